"""The Qt set-up and process listing every pywebview Qt check rests on
(cases/_shared/pywebview_window.py): the caller's choices are kept, each Chromium flag is said
once, and a child shows up until it is reaped."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from cases._shared import pywebview_window

QT_VARIABLES = (
    "QT_QPA_PLATFORM",
    "QT_API",
    "QT_QUICK_BACKEND",
    "QTWEBENGINE_CHROMIUM_FLAGS",
    "QTWEBENGINE_DISABLE_SANDBOX",
)


@pytest.fixture
def qt_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in QT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_qt_offscreen_keeps_the_callers_choices_and_says_each_flag_once(qt_env) -> None:
    qt_env.setattr(os, "geteuid", lambda: 0, raising=False)
    qt_env.setenv("QT_QPA_PLATFORM", "xcb")
    qt_env.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--foo --no-sandbox")
    pywebview_window.qt_offscreen(["--ignore-certificate-errors"], QT_API="pyqt6")
    assert os.environ["QT_QPA_PLATFORM"] == "xcb"
    assert os.environ["QT_API"] == "pyqt6"
    assert os.environ["QTWEBENGINE_DISABLE_SANDBOX"] == "1"
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == (
        "--foo --no-sandbox --ignore-certificate-errors"
    )


def test_qt_offscreen_adds_no_chromium_flags_when_none_are_wanted(qt_env) -> None:
    qt_env.setattr(os, "geteuid", lambda: 1000, raising=False)
    pywebview_window.qt_offscreen(QT_QUICK_BACKEND="software")
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    assert os.environ["QT_QUICK_BACKEND"] == "software"
    assert "QTWEBENGINE_CHROMIUM_FLAGS" not in os.environ
    assert "QTWEBENGINE_DISABLE_SANDBOX" not in os.environ


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_child_is_listed_live_then_exited_until_it_is_reaped() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        mine = f"{proc.pid} "
        assert any(line.startswith(mine) for line in pywebview_window.children())
        assert proc.stdin is not None
        proc.stdin.close()
        deadline = time.monotonic() + 10
        while not any(line.startswith(mine) for line in pywebview_window.children(zombies=True)):
            assert time.monotonic() < deadline, "the exited child never showed as a zombie"
            time.sleep(0.05)
        assert not any(line.startswith(mine) for line in pywebview_window.children())
    finally:
        proc.wait()
    assert not any(line.startswith(mine) for line in pywebview_window.children(zombies=True))
