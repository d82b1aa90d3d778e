"""The staging folder's folders, made ahead on the other core.

A rebuild carries ten thousand files of a thousand alerts into a fresh staging folder,
into two thousand folders, and making a folder costs this machine's ext4 50–250 µs: up
to half a second of the build's own process. The folders the last build wrote into are
known before Pelican reads a file (the pages manifest, alerts.build.carry), so `mkdir -p`
helper processes make them while Pelican reads. A file whose folder is not there yet
makes it itself (alerts.build.files.link_or_copy), so nothing waits for them. Before the
site is swapped in, the helpers are waited for and the folders they made that stayed
empty (an alert deleted since) are removed: the site is the one a cold build writes.
Without a `mkdir` program, or when one fails, every folder is made as it is needed.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterable

logger = logging.getLogger(__name__)

#: Bytes of paths per helper process, well below any system's limit on arguments.
_BATCH = 64 * 1024


class FoldersAhead:
    def __init__(self, staging: str, folders: Iterable[str]) -> None:
        """Start making `folders` (relative to `staging`) and the folders they are in."""
        self.staging = staging
        wanted: set[str] = set()
        for folder in folders:
            if not folder or os.path.isabs(folder) or ".." in folder.split("/"):
                continue
            while folder and folder not in wanted:  # and the folders it is in
                wanted.add(folder)
                folder = os.path.dirname(folder)
        self.folders = sorted(wanted)
        self._helpers: list[subprocess.Popen] = []
        os.makedirs(staging, exist_ok=True)
        batch: list[str] = []
        size = 0
        for folder in self.folders:
            batch.append(folder)
            size += len(folder.encode("utf-8", "surrogateescape")) + 1
            if size >= _BATCH:
                self._start(batch)
                batch, size = [], 0
        if batch:
            self._start(batch)

    def _start(self, batch: list[str]) -> None:
        try:
            self._helpers.append(subprocess.Popen(
                ["mkdir", "-p", "--", *batch], cwd=self.staging, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        except OSError:  # no mkdir program here: each folder is made when it is needed
            logger.debug("alerts: folders made as needed", exc_info=True)

    def finish(self) -> None:
        """Wait for the helpers, then remove the folders they made that nothing used."""
        for helper in self._helpers:
            helper.wait()
        self._helpers = []
        for folder in reversed(self.folders):  # a folder sorts before what it holds
            try:
                os.rmdir(os.path.join(self.staging, folder))
            except OSError:  # not empty (the usual case), or never made
                pass
