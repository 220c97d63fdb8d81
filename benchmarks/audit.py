"""Benchmark of ``python -m harness audit`` on this machine: the static audit of each example
app's lock file, and ``--verify`` on the app that pins all three packages against its floor.

    nox -s audit_benchmark [-- --jobs N --repeat N --skip-verify --skip-static --out FILE]

- static: wall and CPU time of the whole command (a fresh interpreter each time), after one run
  that warms the PyPI cache (.nox/pypi); the median and the worst of ``--repeat`` runs per lock
  file (the CPU time says what the wall time would be on an idle machine);
- verify cold: ``--verify`` with a fresh folder of environments (package caches as they are);
- verify warm: the same command again, environments present;
- floor: the sum of the reproducers' own run times in the warm run, divided by the jobs.

Writes the figures, with the load average before and after, as JSON (default:
benchmarks/audit.json).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "tests" / "apps"
VERIFY_LOCK = APPS / "all-three" / "uv.lock"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def audit(*args: str) -> tuple[float, float, int, dict | None]:
    """One audit in a fresh interpreter: wall time, CPU time (user + system), exit status and
    the JSON document if any."""
    cpu = _children_cpu()
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "audit", "--format", "json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed, cpu = time.monotonic() - started, _children_cpu() - cpu
    if proc.returncode not in (0, 1, 3):  # 3: a --verify cell gave no verdict (recorded)
        raise SystemExit(f"audit {' '.join(args)} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return elapsed, cpu, proc.returncode, json.loads(proc.stdout) if proc.stdout else None


def static(repeat: int) -> dict[str, dict[str, float]]:
    """Wall and CPU time of the static audit of each example app's uv.lock, PyPI cache warm."""
    figures = {}
    for lock in sorted(APPS.glob("*/uv.lock")):
        name = str(lock.relative_to(ROOT))
        audit("--lock", name)  # warms the PyPI cache
        runs = [audit("--lock", name) for _ in range(repeat)]
        wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
        figures[name] = {
            "median_s": round(statistics.median(wall), 3),
            "max_s": round(max(wall), 3),
            "median_cpu_s": round(statistics.median(cpu), 3),
            "max_cpu_s": round(max(cpu), 3),
        }
        print(f"static {name}: {figures[name]}", flush=True)
    return figures


def verify(jobs: int) -> dict[str, float | int]:
    envs = Path(tempfile.mkdtemp(prefix="audit-benchmark-envs-"))
    args = ("--lock", str(VERIFY_LOCK.relative_to(ROOT)), "--verify", "--jobs", str(jobs))
    try:
        cold, _, _, _ = audit(*args, "--envs", str(envs))
        warm, _, code, doc = audit(*args, "--envs", str(envs))
    finally:
        shutil.rmtree(envs, ignore_errors=True)
    assert doc is not None
    cells = doc["verify"]
    floor = sum(cell["runs_s"] for cell in cells) / jobs
    figures = {
        "cells": len(cells),
        "jobs": jobs,
        "cold_s": round(cold, 1),
        "warm_s": round(warm, 1),
        "floor_s": round(floor, 1),
        "warm_over_floor": round(warm / floor, 2),
        "cold_over_floor": round(cold / floor, 2),
        "exit_status": code,
        "outcomes": sorted(f"{c['case']}/{c['check']} {c['kind']}: {c['outcome']}" for c in cells),
    }
    print(json.dumps(figures, indent=2))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=1, help="--verify cells at once (default 1)")
    parser.add_argument("--repeat", type=int, default=5, help="static runs per lock file")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--skip-static", action="store_true")
    parser.add_argument("--out", default="benchmarks/audit.json", help="where the figures go")
    args = parser.parse_args()
    figures: dict[str, object] = {"load_average_before": os.getloadavg()}
    if not args.skip_static:
        figures["static"] = static(args.repeat)
    if not args.skip_verify:
        figures["verify"] = verify(args.jobs)
    figures["load_average_after"] = os.getloadavg()
    out = ROOT / args.out
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
