"""The replaced site's folders, kept empty for the next build to write into.

A rebuild links or writes ten thousand files into two thousand folders of a new staging
folder, and making a folder costs this machine's ext4 50–250 µs: the helpers of
alerts.build.folders make them on the other core, but a devserver rebuild reads its
files sooner than they finish, and then makes the rest itself (a fifth of a rebuild at
a thousand alerts). The site a build replaces has the same folders. So instead of
removing it whole, the process that removes it from the cache's trash removes its
files only, then renames the folders left to `.output.spare` beside the output (for
`output/`), where the next build takes them as its staging folder (`take`). Before that
build's site is swapped in, the folders it left empty are removed (`remove_empty`): the
site is the one a cold build writes. A spare not ready when a build starts is not waited
for: that build starts from an empty folder, as it does without `find` or `mv`.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

logger = logging.getLogger(__name__)

#: Removes the files of the folder $1, then renames what is left to $2; removes it all
#: when either step fails ($2 there already, or a removal that started before).
_EMPTY_AND_KEEP = 'find "$1" ! -type d -delete && mv -T "$1" "$2" || rm -rf -- "$1"'


def spare_path(output: Path) -> Path:
    return output.parent / f".{output.name}.spare"


def removal(folder: Path, output: Path | None) -> list[str]:
    """The command that removes `folder` (an old site in the cache's trash); with
    `output`, one that keeps its folders as that output's spare."""
    if output is None:
        return ["rm", "-rf", "--", str(folder)]
    return ["sh", "-c", _EMPTY_AND_KEEP, "sh", str(folder), str(spare_path(output))]


def take(output: Path, staging: Path) -> bool:
    """Move the spare folders to `staging`; False when there are none ready."""
    try:
        os.rename(spare_path(output), staging)
    except OSError:
        return False
    logger.info("alerts: staging: the replaced site's folders are reused")
    return True


def remove_empty(staging: Path) -> None:
    """Remove every folder in `staging` that holds no file, deepest first (those of
    pages that are gone since the spare's site was built)."""
    try:
        done = subprocess.run(["find", str(staging), "-mindepth", "1", "-depth", "-type", "d",
                               "-empty", "-delete"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    except OSError:
        done = 1
    if done == 0:
        return
    for folder, _subfolders, files in os.walk(staging, topdown=False):
        if folder != os.fspath(staging) and not files:
            try:
                os.rmdir(folder)
            except OSError:  # not empty: a folder under it holds a file
                pass
