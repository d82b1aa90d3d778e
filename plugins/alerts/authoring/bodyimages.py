"""Photos in a page's body: checked like an alert's photo, published beside the page
without metadata, and never loaded from another site.

Pelican would copy a `{static}` image byte for byte (GPS and all), and a remote image
would let another site see every visitor. So each <img> in the rendered body must name
a file under content/ (`/images/x.jpg`, `../images/x.jpg`, `{static}/images/x.jpg`);
it is re-encoded into the page's own folder and the src rewritten to that copy.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from alerts.authoring import images
from alerts.authoring.model import AlertImage

_PLACEHOLDER = re.compile(r"^\{(static|filename|attach)\}")
HOW = "save the photo under content/images/ and write ![what it shows](/images/photo.jpg)"


class BodyImageProblem(ValueError):
    def __init__(self, src: str, message: str):
        super().__init__(message)
        self.src = src


def localize(content: str, source_path: str, content_root: Path, cache=None,
             ) -> tuple[str, list[AlertImage], list[BodyImageProblem]]:
    """Rewrite every <img> of `content` to a checked local copy; return the new HTML, the
    images to publish beside the page, and a problem for each image that cannot be."""
    if "<img" not in content:
        return content, [], []
    from bs4 import BeautifulSoup  # 0.1 s to import: only for bodies with photos

    soup = BeautifulSoup(content, "html.parser")
    published: dict[Path, AlertImage] = {}
    problems: list[BodyImageProblem] = []
    for tag in soup.find_all("img"):
        src = tag.get("src", "")
        try:
            image = _check(src, tag.get("alt", ""), source_path, content_root, cache)
        except BodyImageProblem as problem:
            problems.append(problem)
            continue
        image = published.setdefault(image.source, _unique(image, published.values()))
        width, height = image.web_size
        tag["src"], tag["width"], tag["height"] = image.output_name, str(width), str(height)
    return str(soup), list(published.values()), problems


def _check(src: str, alt: str, source_path: str, content_root: Path, cache) -> AlertImage:
    if not src:
        raise BodyImageProblem(src, f"an image has no address; {HOW}")
    if re.match(r"^([a-z][a-z0-9+.-]*:|//)", src, re.I):
        raise BodyImageProblem(src, f"the image {src} is on another site, which would see "
                               f"every reader of this page; {HOW}")
    if not alt.strip():
        raise BodyImageProblem(src, f"the image {src} has no description; write what it "
                               "shows between the brackets: ![what it shows](…)")
    path = _PLACEHOLDER.sub("", src).split("?", 1)[0].split("#", 1)[0]
    if path.startswith("/"):
        relpath = path.lstrip("/")
    else:
        folder = os.path.dirname(os.path.relpath(source_path, content_root))
        relpath = os.path.normpath(os.path.join(folder, path))
    try:
        return images.check(content_root, relpath, alt, None, cache)
    except images.ImageProblem as exc:
        raise BodyImageProblem(src, str(exc)) from None


def _unique(image: AlertImage, taken) -> AlertImage:
    """Two photos with the same file name from different folders get different names."""
    names = {other.output_name for other in taken}
    name, counter = image.output_name, 2
    while name in names:
        stem, ext = os.path.splitext(image.output_name)
        name, counter = f"{stem}-{counter}{ext}", counter + 1
    return replace(image, output_name=name)
