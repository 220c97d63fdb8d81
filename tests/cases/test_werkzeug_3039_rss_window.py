"""werkzeug-3039's memory check measures the peak over the request only
(cases/werkzeug-3039/rss_window.py): a buffer held briefly inside the window is seen, a peak
reached before the window is not, and a window that allocates nothing grows by little."""

from __future__ import annotations

import time
from pathlib import Path

from tests.conftest import load_module

CASE = Path(__file__).resolve().parents[2] / "cases" / "werkzeug-3039"
rss_window = load_module("rss_window", CASE / "rss_window.py")
MB = 1024 * 1024


def _touch(size: int) -> bytearray:
    """A buffer whose pages are resident (a zeroed allocation may not be)."""
    buffer = bytearray(size)
    for offset in range(0, size, 4096):
        buffer[offset] = 1
    return buffer


def test_a_buffer_held_briefly_inside_the_window_is_its_peak() -> None:
    with rss_window.PeakRSS() as window:
        buffer = _touch(128 * MB)
        time.sleep(0.05)  # about as long as a buffered body would live, and shorter
        del buffer
    assert window.growth >= 96 * MB, window.growth / MB
    assert window.samples > 0


def test_a_peak_reached_before_the_window_does_not_count() -> None:
    buffer = _touch(128 * MB)
    del buffer  # the lifetime peak (ru_maxrss) is now at least 128 MB above the present
    with rss_window.PeakRSS() as window:
        time.sleep(0.05)
    assert window.growth < 32 * MB, window.growth / MB
    assert window.peak >= window.start
