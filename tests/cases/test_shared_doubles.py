"""The Windows file semantics of the shared .NET doubles (cases/_shared/dotnet_doubles.py): the
pessimistic twin that pywebview-1554 and pywebview-1688 rest on must really hold files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cases._shared import dotnet_doubles as doubles


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(doubles.CONFIG, "browser_exit_after", 0.3)
    monkeypatch.setattr(doubles, "_processes", {})
    folder = tmp_path / "udf"
    folder.mkdir()
    (folder / "app-settings.json").write_text("{}")
    (folder / "user-notes.txt").write_text("notes")
    return folder, doubles._BrowserProcess(str(folder))


def test_rmtree_stops_at_the_first_held_file_in_ntfs_order(browser) -> None:
    folder, process = browser
    process.exit()  # disposed; exits 0.3 s later
    with pytest.raises(PermissionError, match="WinError 32"):
        doubles.windows_rmtree(folder)
    assert sorted(os.listdir(folder)) == ["EBWebView", "user-notes.txt"]


def test_rmtree_deletes_everything_once_the_browser_has_exited(browser) -> None:
    folder, process = browser
    process.exit()
    assert process.WaitForExit(3000) and process.HasExited
    doubles.windows_rmtree(folder)
    assert not folder.exists()


def test_wait_for_exit_times_out_while_the_browser_holds_its_files(browser) -> None:
    _, process = browser
    process.exit()
    started = time.monotonic()
    assert process.WaitForExit(50) is False
    assert time.monotonic() - started < 0.25


def test_every_assumption_names_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(doubles.CONFIG, "browser_exit_after", 4.0)
    monkeypatch.setitem(doubles.CONFIG, "honour_creation_properties", True)
    found = {name: (assumed, source) for name, assumed, source in doubles.assumptions()}
    assert all(source for _, source in found.values())
    assert "4 s after Dispose()" in found["browser-exit-after-dispose"][0]
    assert "twin" in found["user-data-folder-rule"][0]
