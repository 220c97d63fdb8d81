from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.run import interpreters


@pytest.fixture(autouse=True)
def fresh_cache():
    interpreters.find.cache_clear()
    yield
    interpreters.find.cache_clear()


def test_the_running_interpreter_is_found() -> None:
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = interpreters.find(minor)
    assert found is not None and found.version.startswith(minor + ".")


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands in")
def test_a_name_on_path_that_does_not_run_is_not_an_interpreter(
    tmp_path: Path, monkeypatch
) -> None:
    shim = tmp_path / "python3.77"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.77: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    assert interpreters.find("3.77") is None


def test_an_interpreter_lists_its_version_and_distributions_by_name() -> None:
    import packaging

    version, dists = interpreters.installed(Path(sys.executable))
    assert version == ".".join(map(str, sys.version_info[:3]))
    assert dists["packaging"] == packaging.__version__
    assert list(dists) == sorted(dists, key=str.lower)
