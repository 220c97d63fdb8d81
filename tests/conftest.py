"""Shared helpers: build a check around a synthetic reproducer and run it for real; load a
case's or a fix's module from its file; the online tests see PyPI as it was when the committed
baseline was made."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from harness import results
from harness.corpus.metadata import Check, ProbeSpec, Variant
from harness.run import pypi, runner, verdict

SYNTHETIC = Path(__file__).parent / "synthetic"
BASELINES = Path(__file__).resolve().parent.parent / "results" / "baseline"


def baseline_day() -> str:
    """When the newest committed baseline run finished: the day the online tests ask PyPI
    about, so that what PyPI published since changes none of their verdicts."""
    finished = [results.load(p)["run"]["finished"] for p in BASELINES.glob("*.json")]
    return max(finished)


@pytest.fixture(autouse=True)
def _pypi_as_of_the_baseline(request: pytest.FixtureRequest, monkeypatch) -> None:
    """Tests marked ``matrix`` install releases from PyPI: ``latest`` and every dependency are
    resolved as of the baseline's day (uv's UV_EXCLUDE_NEWER, which the harness honours too).
    ``nox -s regression`` is where the newest releases are met, never the tests."""
    if request.node.get_closest_marker("matrix") is not None:
        monkeypatch.setenv(pypi.EXCLUDE_NEWER, baseline_day())


def load_module(name: str, path: Path) -> ModuleType:
    """The module in ``path`` (a case's or a fix's folder is no package), run fresh as ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_check(
    script: str,
    mode: str,
    probes: list[tuple[str, dict]] = (),
    *,
    timeout: float = 60,
    exit_codes: tuple[int, ...] = (0,),
    reaches: tuple[str, ...] = (),
) -> Check:
    return Check(
        name="synthetic",
        reproducer=SYNTHETIC / script,
        args=(mode,),
        requires=(),
        probes=tuple(ProbeSpec(name, params) for name, params in probes),
        repeat=1,
        timeout=timeout,
        evidence="native",
        exit_codes=exit_codes,
        platforms=None,
        env={},
        reaches=reaches,
    )


def make_variant(patch: str | None = None) -> Variant:
    return Variant(
        name="affected",
        releases=("1.0",),
        patch=SYNTHETIC / patch if patch else None,
        workaround=None,
        requires=(),
        checks=None,
        description="",
    )


@pytest.fixture
def work_root(tmp_path: Path) -> Path:
    return tmp_path


def _judge(check: Check, work_root: Path, variant: Variant | None, blind: tuple[str, ...]):
    variant = variant or make_variant()
    launch = runner.Launch(
        python=sys.executable,
        script=check.reproducer,
        args=check.args,
        timeout=check.timeout,
        variant=variant.name,
        patch=variant.patch,
        blind=blind,
    )
    result = runner.run(launch, work_root)
    return result, verdict.judge_run(result, check, variant)


@pytest.fixture
def judge(work_root: Path):
    """Run a synthetic check once with this interpreter; return (RunResult, RunVerdict)."""
    return lambda check, variant=None: _judge(check, work_root, variant, ())


@pytest.fixture
def blind_judge(work_root: Path):
    """The same, with the channel of the probe ``name`` switched off."""
    return lambda check, name: _judge(check, work_root, None, (name,))
