"""Running cells: environments built once per (interpreter, requirement set) and shared,
cells run in parallel up to ``jobs`` at a time, each cell's record written as it finishes.

Cells can run side by side because each has its own temp dir, process group and ports from
the kernel; nothing one cell leaks is visible to another.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from harness.outcomes import Outcome, tail
from harness.records import Cell, RunEvidence, Upstream
from harness.run import interpreters, pypi, runner, venvs, verdict
from harness.run.plan import PLATFORM, Planned


@dataclass
class Engine:
    envs_dir: Path
    backend: str = venvs.DEFAULT_BACKEND
    jobs: int = 1
    blind: tuple[str, ...] = ()  # probes whose channel every run switches off
    on_cell: Callable[[Cell], None] = lambda cell: None
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _dists: dict[str, dict[str, str]] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def _env(self, planned: Planned) -> tuple[venvs.Env, dict[str, str]]:
        assert planned.interpreter is not None
        source = planned.source
        # A source's content is part of the key: a changed tree gets a new environment; so is
        # the day uv resolves as of, when one is set.
        asof = os.environ.get(pypi.EXCLUDE_NEWER)
        keyed = [
            *planned.requirements,
            *([f"# {source.fingerprint}"] if source else []),
            *([f"# as of {asof}"] if asof else []),
        ]
        key = venvs.env_key(planned.interpreter.path, keyed, self.backend)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            env = venvs.ensure(
                self.envs_dir / f"py{planned.cell.python}-{key}",
                planned.interpreter.path,
                list(planned.requirements),
                self.backend,
                rebuild=(source.package,) if source else (),
            )
            if key not in self._dists:
                self._dists[key] = interpreters.installed(env.python)[1]
        return env, self._dists[key]

    def run_cell(self, planned: Planned, work_root: Path) -> Cell:
        """The cell's record. A fault of the harness inside this cell makes the cell an
        error carrying the traceback; the other cells go on."""
        started = time.monotonic()
        record = _skeleton(planned)
        record["blind"] = list(self.blind)
        try:
            self._run_cell(planned, work_root, record)
        except Exception:  # noqa: BLE001  a harness fault ends this cell as an error, not the run
            record["outcome"] = Outcome.ERROR
            record["reason"] = f"the harness failed in this cell: {traceback.format_exc()}"
        return _finish(record, planned, started)

    def _run_cell(self, planned: Planned, work_root: Path, record: Cell) -> None:
        cell = planned.cell
        if planned.skip:
            record["outcome"], record["reason"] = Outcome.SKIP, planned.skip
            return
        try:
            env, record["distributions"] = self._env(planned)
        except venvs.EnvError as exc:
            record["outcome"], record["reason"] = Outcome.ERROR, f"{verdict.ENV_FAILED}: {exc}"
            return
        if planned.source is not None:
            _record_source(record, planned, env)
        launch = runner.Launch(
            python=str(env.python),
            script=cell.check.reproducer,
            args=cell.check.args,
            timeout=cell.check.timeout,
            variant=cell.variant.name,
            patch=cell.variant.patch,
            workaround=cell.variant.workaround,
            env=cell.check.env,
            blind=self.blind,
        )
        verdicts, runs = [], []
        for _ in range(cell.check.repeat):
            result = runner.run(launch, work_root)
            judged = verdict.judge_run(result, cell.check, cell.variant)
            verdicts.append(judged)
            runs.append(_run_evidence(result, judged))
            if judged.outcome == Outcome.ERROR:
                break  # an error decides the cell; repeating it proves nothing more
        record["outcome"], record["reason"] = verdict.combine(verdicts)
        record["evidence"] = {"runs": runs}

    def run(self, plan: list[Planned]) -> list[Cell]:
        """Run every planned cell; records come back in the order of the plan."""
        work_root = Path(tempfile.mkdtemp(prefix="leak-corpus-"))
        pool = ThreadPoolExecutor(max_workers=max(1, self.jobs))
        try:
            futures = [pool.submit(self._run_and_report, p, work_root) for p in plan]
            return [f.result() for f in futures]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            runner.terminate_all()
            raise
        finally:
            pool.shutdown(wait=True)
            shutil.rmtree(work_root, ignore_errors=True)

    def _run_and_report(self, planned: Planned, work_root: Path) -> Cell:
        record = self.run_cell(planned, work_root)
        self.on_cell(record)
        return record


def _skeleton(planned: Planned) -> Cell:
    cell = planned.cell
    upstream: Upstream = {"package": cell.case.package, "version": planned.upstream}
    if planned.source:
        upstream["source"] = planned.source.record()
    return {
        "case": cell.case.id,
        "check": cell.check.name,
        "variant": cell.variant.name,
        "release": cell.release,
        "python": planned.interpreter.version if planned.interpreter else None,
        "python_requested": cell.python,
        "os": PLATFORM,
        "upstream": upstream,
        # Placeholders until the cell is judged: run_cell gives every cell its outcome and
        # reason, _finish its expectation and duration.
        "outcome": Outcome.ERROR,
        "reason": "",
        "expected": None,
        "expected_why": None,
        "agrees": None,
        "duration_s": 0.0,
        "evidence_kind": cell.check.evidence,
        "evidence": {"runs": []},
        "distributions": {},
    }


def _record_source(record: Cell, planned: Planned, env: venvs.Env) -> None:
    """What the cell ran instead of a release: where from, the commit the install resolved,
    and the version (the tree's own, else the one the install reported)."""
    assert planned.source is not None
    package = planned.source.package
    installed = next(
        (v for k, v in record["distributions"].items() if k.lower() == package.lower()), None
    )
    source = planned.source.record(installed)
    direct = venvs.direct_url(env.python, package) or {}
    if direct.get("vcs_info", {}).get("commit_id"):
        source["commit"] = direct["vcs_info"]["commit_id"]
    record["upstream"]["version"] = record["upstream"]["version"] or installed
    record["upstream"]["source"] = source


def _finish(record: Cell, planned: Planned, started: float) -> Cell:
    verdict.expect(record, planned.cell.case, planned.source, PLATFORM)
    record["duration_s"] = round(time.monotonic() - started, 3)
    return record


def _run_evidence(result: runner.RunResult, judged: verdict.RunVerdict) -> RunEvidence:
    return {
        "outcome": judged.outcome,
        "reason": judged.reason,
        "exit_code": result.exit_code,
        "duration_s": result.duration_s,
        "findings": judged.findings,
        "recorded": result.observation.evidence,
        "leftovers": list(result.observation.leftovers[:50]),
        "stderr_tail": tail(result.observation.stderr),
    }
