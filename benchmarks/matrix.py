"""Benchmark of the full matrix on this machine: cold, warm, pip-based, and the floor.

    nox -s benchmark [-- --case ID ... --jobs N --skip-pip]

- cold: no cell environments (a fresh folder), the package caches as they are (warm);
- warm: the same command again, environments present;
- pip: cold again with the virtualenv backend (pip installs);
- floor: the sum of the reproducers' own run times in the warm run, divided by the jobs.

Prints every time and the ratios warm/floor, cold/floor, pip/uv, and writes them as JSON
(default: benchmarks/latest.json). Outcomes of the three runs are compared: a benchmark whose runs
disagree on a cell says so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the harness is the corpus's own package

from harness import results  # noqa: E402


def run_matrix(work: Path, name: str, extra: list[str]) -> tuple[float, dict]:
    out = work / name
    command = [sys.executable, "-m", "harness", "all", "--results", str(out), *extra]
    started = time.monotonic()
    proc = subprocess.run(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.monotonic() - started
    files = sorted((out / "runs").glob("*.json"))
    if not files:
        raise SystemExit(f"{name}: no result file; exit {proc.returncode}: {proc.stderr[-2000:]}")
    return elapsed, json.loads(files[-1].read_text())


def outcomes(document: dict) -> dict[tuple, str]:
    return {results.cell_key(c): c["outcome"] for c in document["cells"]}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", action="append", default=[])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-pip", action="store_true", help="leave out the pip-based run")
    parser.add_argument("--out", default="benchmarks/latest.json", help="where the figures go")
    args = parser.parse_args()
    selection = [a for case in args.case for a in ("--case", case)] + ["--jobs", str(args.jobs)]
    work = Path(tempfile.mkdtemp(prefix="leak-corpus-bench-"))
    try:
        uv_envs = ["--envs", str(work / "envs-uv")]
        cold, cold_doc = run_matrix(work, "cold", selection + uv_envs)
        warm, warm_doc = run_matrix(work, "warm", selection + uv_envs)
        runs = [r for c in warm_doc["cells"] for r in c["evidence"]["runs"]]
        floor = sum(r["duration_s"] for r in runs) / args.jobs
        figures = {
            "cells": len(warm_doc["cells"]),
            "runs": len(runs),
            "jobs": args.jobs,
            "cold_s": round(cold, 1),
            "warm_s": round(warm, 1),
            "floor_s": round(floor, 1),
            "warm/floor": round(warm / floor, 2),
            "cold/floor": round(cold / floor, 2),
        }
        documents = {"cold": cold_doc, "warm": warm_doc}
        if not args.skip_pip:
            pip_envs = ["--envs", str(work / "envs-pip"), "--venv-backend", "virtualenv"]
            pip, documents["pip"] = run_matrix(work, "pip", selection + pip_envs)
            figures.update({"pip_cold_s": round(pip, 1), "pip/uv": round(pip / cold, 2)})
        reference = outcomes(warm_doc)
        figures["disagreeing_cells"] = sorted(
            f"{name}: {'/'.join(key[:4])} {key[4]} py{key[5]}"
            for name, doc in documents.items()
            for key, outcome in outcomes(doc).items()
            if reference.get(key) != outcome
        )
        figures["host"] = warm_doc["run"]["host"]
        figures["selection"] = args.case or "all cases"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(figures, indent=1)
    (ROOT / args.out).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
