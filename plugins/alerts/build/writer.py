"""Pelican's writer, carrying each page whose key did not change (alerts.build.carry)
instead of rendering it.

Every generator — Pelican's and ours — writes its pages through `write_file`; this
subclass asks the build's `Pages` first, and otherwise renders as Pelican does while
noting which files the render wrote.
"""

from __future__ import annotations

import os

from pelican.writers import Writer

from alerts.build import state as buildstate
from alerts.build.files import make_way


class CarryingWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._opened: list[str] | None = None

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        pages = buildstate.current().pages
        if not name or pages is None:
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        call = {"name": name, "relative_urls": relative_urls, "paginated": paginated,
                "template_name": template_name, "override_output": override_output,
                "url": url}
        key = pages.key(template, {**context, **kwargs}, call)
        carried = pages.carryable(name, key)
        if carried is not None and self._free(carried):
            pages.carry(name, carried)
            for relative in carried:  # as Pelican's own write would note them
                path = os.path.join(self.output_path, relative)
                self._written_files.add(path)
                if override_output:
                    self._overridden_files.add(path)
            return None
        pages.rendering(name)
        self._opened = []
        try:
            super().write_file(name, template, context, relative_urls, paginated,
                               template_name, override_output, url, **kwargs)
            opened = [f for f in self._opened if f != os.devnull]
        finally:
            self._opened = None
        pages.rendered_files(name, key, opened)
        return None

    def _free(self, files: list[str]) -> bool:
        """Files no page of this build wrote yet: a second write of one is Pelican's to
        allow, skip or refuse, so that page is rendered."""
        return not any(os.path.join(self.output_path, f) in self._written_files
                       for f in files)

    def _open_w(self, filename, encoding, override=False):
        if filename not in self._overridden_files:
            # A new file, never the one there: that may be a hard link into the live site.
            make_way(filename)
        handle = super()._open_w(filename, encoding, override)
        if self._opened is not None:
            self._opened.append(handle.name)
        return handle
