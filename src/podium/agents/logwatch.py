"""Follows agent logs with inotify: one watch on the logs folder, a callback per file name.

The kernel tells us a file grew; we never poll on a timer. A busy agent appends a line many
times a second, so the consumer may `pause()` the watcher while it already has work pending:
the kernel keeps (and merges) the events meanwhile, and `resume()` hands them over at once,
instead of the loop waking for every line."""

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
        self._paused = False
        self._closed = False
        loop.add_reader(self._inotify.fileno(), self._readable)

    def follow(self, filename: str, callback: Callable[[], None]) -> None:
        self._callbacks[filename] = callback

    def unfollow(self, filename: str) -> None:
        self._callbacks.pop(filename, None)

    def pause(self) -> None:
        """Stop waking the loop for file changes until `resume()`; nothing is lost."""
        if not self._paused:
            self._paused = True
            self._loop.remove_reader(self._inotify.fileno())

    def resume(self) -> None:
        """Deliver the changes that queued up while paused, then listen again."""
        if self._paused and not self._closed:
            self._paused = False
            self._loop.add_reader(self._inotify.fileno(), self._readable)
            self._readable()

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
        if not self._paused:
            self._loop.remove_reader(self._inotify.fileno())
        self._paused = self._closed = True
        self._inotify.close()
