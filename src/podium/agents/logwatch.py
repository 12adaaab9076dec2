"""Follows agent logs with inotify: one watch on the logs folder, a callback per file name.

The kernel tells us a file grew; we never poll on a timer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from inotify_simple import INotify, flags

log = logging.getLogger(__name__)


class LogWatcher:
    def __init__(self, loop: asyncio.AbstractEventLoop, directory: Path) -> None:
        self._loop = loop
        self._callbacks: dict[str, Callable[[], None]] = {}
        self._inotify = INotify(nonblocking=True)
        directory.mkdir(parents=True, exist_ok=True)
        self._inotify.add_watch(str(directory), flags.MODIFY | flags.CLOSE_WRITE)
        loop.add_reader(self._inotify.fileno(), self._readable)

    def follow(self, filename: str, callback: Callable[[], None]) -> None:
        self._callbacks[filename] = callback

    def unfollow(self, filename: str) -> None:
        self._callbacks.pop(filename, None)

    def _readable(self) -> None:
        changed: set[str] = set()
        try:
            for event in self._inotify.read(timeout=0):
                changed.add(event.name)
        except BlockingIOError:
            return
        for name in changed:
            callback = self._callbacks.get(name)
            if callback is not None:
                try:
                    callback()
                except Exception:
                    log.exception("log follower for %s failed", name)

    def close(self) -> None:
        self._loop.remove_reader(self._inotify.fileno())
        self._inotify.close()
