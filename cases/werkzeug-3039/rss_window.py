"""The peak resident set size of this process over a window of time: what the window itself
added, not the process's lifetime peak (``ru_maxrss``), which anything earlier may already
have raised (writing the 256 MB file did).

``with PeakRSS() as window: ...``: a thread samples the resident size (psutil) every
``interval`` seconds from the start of the block to its end; ``window.start`` is the resident
size when it began, ``window.peak`` the largest seen (the end included), ``window.growth``
their difference, in bytes. Sampling works wherever psutil does (the check runs on Linux and
macOS); a buffer held for less than an interval can slip between samples, so the reproducer's
control holds a transient buffer of the file's size in a window and must see it.
"""
from __future__ import annotations

import threading
from types import TracebackType
from typing import Optional, Type

import psutil


class PeakRSS:
    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.start = 0
        self.peak = 0
        self.samples = 0
        self._process = psutil.Process()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="peak-rss", daemon=True)

    def _rss(self) -> int:
        return int(self._process.memory_info().rss)

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            self.peak = max(self.peak, self._rss())
            self.samples += 1

    def __enter__(self) -> "PeakRSS":
        self.start = self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: Optional[Type[BaseException]],
        value: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def growth(self) -> int:
        return self.peak - self.start
