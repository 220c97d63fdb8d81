"""The harness's command line: what the nox sessions call.

    python -m harness all         [--case ID]... [--python X]... [--jobs N]
                                  [--save-baseline [--allow-dirty]]
    python -m harness run         CASE --python X [--variant V] [--check C]
                                  [--upstream PKG==VER] [--json FILE] [--blind PROBE]...
    python -m harness report      [RESULT_FILE ...] [--out DIR] [--check]
    python -m harness regression  [--python X]...
    python -m harness history     CASE [--python X] [--from V] [--to V] [--check C]...
    python -m harness blind       [--case ID]... [--python X] [--readme]
    python -m harness cases
    python -m harness audit       [-r FILE | --lock FILE | --python-env PATH] [--python X]...
                                  [--verify] [--format F] [--output FILE] [--ignore FILE]
                                  [--upgrade-to PKG==VER]   (exit status: see audit_cli.py)

Exit status: 0 when every cell agrees with its expectation, 1 when one does not, 2 for bad
input (unknown case, bad metadata, unknown release, unreadable result file, a --python the
corpus is not configured for, --jobs below 1, --save-baseline from uncommitted changes without
--allow-dirty), 3 when the harness itself failed (the traceback is printed). nox turns every
failing session into 1: run ``.nox/harness/bin/python -m harness ...`` to keep the four
apart. ``report`` renders: it exits 0 once the matrix is written, and 1 for a disagreement only
with --check.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from harness import baselines, options, results, scratch
from harness.audit import commandline
from harness.corpus import metadata
from harness.errors import BadInput
from harness.records import Cell
from harness.report import tables, terminal
from harness.run import batch, plan, pypi, sources, venvs
from harness.studies import blind, history, readme, regression

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
ENVS = ROOT / ".nox" / "cells"
PYPI_CACHE = ROOT / ".nox" / "pypi"


class InputError(BadInput):
    """Bad input from the command line; the message says what was wrong."""


def _source(args: argparse.Namespace, releases_too: bool = False) -> sources.Source | None:
    """The unreleased upstream code asked for: ``--upstream-path DIR``, or ``--upstream`` with
    a direct reference (``pkg @ git+https://...@REF``). Only ``run`` also takes a release
    there (``releases_too``)."""
    path, upstream = getattr(args, "upstream_path", None), getattr(args, "upstream", None)
    try:
        if path is not None:
            if upstream is not None:
                raise InputError("give --upstream-path or --upstream, not both")
            return sources.from_path(path)
        found = sources.from_requirement(upstream) if upstream else None
        if upstream and found is None and not releases_too:
            raise InputError(f"--upstream {upstream!r}: expected 'PKG @ git+URL@REF'")
        return found
    except sources.SourceError as exc:
        raise InputError(str(exc)) from None


def _settings(args: argparse.Namespace) -> batch.Settings:
    """How the command's cells run, from its options."""
    return batch.Settings(
        envs=Path(args.envs),
        results=Path(args.results),
        pypi_cache=PYPI_CACHE,
        backend=args.venv_backend,
        jobs=args.jobs,
        blind=tuple(getattr(args, "blind", None) or ()),
    )


def _disagree(cells: list[Cell]) -> bool:
    return any(c["agrees"] is False for c in cells)


def _command_line(argv: list[str]) -> str:
    return "python -m harness " + " ".join(argv)


def cmd_all(args: argparse.Namespace, argv: list[str]) -> int:
    cases = [metadata.load_case(c) for c in args.case] if args.case else metadata.load_all()
    pythons = options.pythons(args.python)
    source = _source(args)
    if source is not None:
        if args.save_baseline:
            raise InputError("--save-baseline takes releases, not unreleased code")
        cases = sources.cases_for(source, cases, named=bool(args.case))
    release = sources.RELEASE_LABEL if source else None
    cells = plan.cells(cases, pythons, release=release)
    out = Path(args.results).resolve()
    merge_into = baselines.to_merge(
        out, args.save_baseline, args.allow_dirty, partial=bool(args.case or args.python)
    )
    full = not args.case and source is None
    others = baselines.others(out) if full or merge_into is not None else []
    path = out / "runs" / results.stamp_name()
    writer = results.RunWriter(path, results.new_run(_command_line(argv), args.venv_backend))
    print(
        f"{len(cells)} cells from {len(cases)} case(s) on Python {', '.join(pythons)}; "
        f"writing {path}",
        flush=True,
    )
    batch.execute(cells, _settings(args), writer, source)
    this_os = writer.document
    written = [path]
    if merge_into is not None:
        baseline, this_os = baselines.save(
            out, merge_into, writer.document, [c.id for c in cases], pythons
        )
        written.append(baseline)
    if full or merge_into is not None:
        # The matrix: this OS's cells beside the other OSes' baselines.
        written += tables.write([*others, this_os], out)[1]
    print(terminal.summary(tables.merge([writer.document]), written))
    return 1 if _disagree(writer.document["cells"]) else 0


def cmd_run(args: argparse.Namespace, argv: list[str]) -> int:
    case = metadata.load_case(args.case)
    source = _source(args, releases_too=True)
    if source is not None:
        sources.cases_for(source, [case], named=True)
    cells = plan.cells(
        [case],
        options.pythons([args.python]),
        variant=args.variant,
        check=args.check,
        release=sources.RELEASE_LABEL
        if source
        else plan.release_asked(case, args.upstream, PYPI_CACHE),
    )
    if not cells:
        raise InputError(
            f"no cell of {case.id} matches --variant {args.variant} --check {args.check}"
        )
    plan.check_blind(cells, args.blind or ())
    target = (
        Path(args.json).resolve()
        if args.json
        else Path(args.results).resolve() / "runs" / results.stamp_name()
    )
    writer = results.RunWriter(target, results.new_run(_command_line(argv), args.venv_backend))
    batch.execute(cells, _settings(args), writer, source)
    for cell in writer.document["cells"]:
        print(terminal.cell_detail(cell))
    print(f"\nresult file: {target}")
    return 1 if _disagree(writer.document["cells"]) else 0


def cmd_report(args: argparse.Namespace, argv: list[str]) -> int:
    files = [Path(f) for f in args.files] or sorted((RESULTS / "baseline").glob("*.json"))
    if not files:
        raise InputError("no result files given and none in results/baseline/")
    try:
        documents = [results.load(f) for f in files]
    except ValueError as exc:
        raise InputError(str(exc)) from None
    out = Path(args.out).resolve() if args.out else RESULTS
    matrix, written = tables.write(documents, out)
    print(terminal.summary(matrix, written))
    # Rendering is this command's job: a disagreement fails it only when asked (--check).
    return 1 if args.check and matrix.disagreements else 0


def cmd_blind(args: argparse.Namespace, argv: list[str]) -> int:
    cases = [metadata.load_case(c) for c in args.case] if args.case else metadata.load_all()
    options.pythons([args.python])
    rows = blind.plan_rows(cases, args.python)
    out = Path(args.results).resolve()
    # A run of some cases merges its rows into the table, in the order of every case's rows.
    old = blind.previous(out / "blind.md", args.python, partial=bool(args.case))
    order = blind.plan_rows(metadata.load_all(), args.python) if args.case else rows
    writer = results.RunWriter(
        out / "runs" / f"blind-{results.stamp_name()}",
        results.new_run(_command_line(argv), args.venv_backend),
    )
    print(f"blinded runs: {len(rows)} (check x probe) on Python {args.python}", flush=True)
    records = blind.run_rows(rows, _settings(args), writer)
    text = blind.table(old, records, args.python, order)
    results.write_atomic(out / "blind.md", text)
    if args.readme:
        readme.update("blind-table", text)
    print(text)
    return 1 if _disagree(records) else 0


def cmd_regression(args: argparse.Namespace, argv: list[str]) -> int:
    cases = [metadata.load_case(c) for c in args.case] if args.case else metadata.load_all()
    source = _source(args)
    if source is not None:
        cases = sources.cases_for(source, cases, named=bool(args.case))
    pythons = options.pythons(args.python)
    cells = [c for c in plan.cells(cases, pythons) if c.release == metadata.LATEST]
    settings = _settings(args)
    settings = dataclasses.replace(settings, envs=regression.fresh_envs(settings.envs, ENVS))
    out = Path(args.results).resolve()
    path = out / "runs" / f"regression-{results.stamp_name()}"
    writer = results.RunWriter(path, results.new_run(_command_line(argv), args.venv_backend))
    against = f"{source.package} from {source.location}" if source else "the newest releases"
    print(f"regression: {len(cells)} cells against {against}; writing {path}")
    planned = batch.execute(cells, settings, writer, source)
    baseline_file = out / "baseline" / f"{plan.PLATFORM}.json"
    baseline = results.load(baseline_file)["cells"] if baseline_file.is_file() else []
    pinned = regression.pinned_reruns(
        planned, writer.document["cells"], baseline, settings, _command_line(argv), path
    )
    changes = regression.compare(writer.document["cells"], baseline, pinned)
    text = regression.render(changes, regression.releases_used(writer.document["cells"]))
    results.write_atomic(out / "regression.md", text)
    print(text)
    return 1 if regression.failing(changes) else 0


def cmd_history(args: argparse.Namespace, argv: list[str]) -> int:
    case = metadata.load_case(args.case)
    options.pythons([args.python])
    out = Path(args.results).resolve() / "history"
    stem = history.stem(case, args.python)
    document = history.start(
        out / f"{stem}.json", results.new_run(_command_line(argv), args.venv_backend)
    )
    for bound in (args.from_, args.to):
        if bound is not None:
            pypi.release(case.package, bound, PYPI_CACHE)  # unknown bounds fail clearly
    releases = history.releases_in_range(case.package, args.from_, args.to, PYPI_CACHE)
    variant = history.plain_variant(releases)
    checks = history.checks(case, args.check)
    source = _source(args)
    if source is not None:
        sources.cases_for(source, [case], named=True)
    cells = history.cells(case, checks, variant, releases, args.python)
    writer = results.RunWriter(out / f"{stem}.json", document)
    print(
        f"history of {case.id}: {len(releases)} releases of {case.package} on Python "
        f"{args.python}, {len(cells)} cells"
    )
    settings = _settings(args)
    batch.execute(cells, settings, writer)
    if source is not None:  # the last row: the unreleased tree after every release
        batch.execute(
            history.tree_cells(case, checks, variant, args.python), settings, writer, source
        )
    text = history.render(
        case, args.python, writer.document["cells"], results.runs(writer.document)
    )
    results.write_atomic(out / f"{stem}.md", text)
    print(text)
    return 0


def cmd_readme(args: argparse.Namespace, argv: list[str]) -> int:
    """The docs' generated parts that come from the metadata and the committed results: the
    write-up claims and what the baselines hold."""
    for page in readme.write_generated():
        print(f"wrote {page}")
    return 0


def cmd_cases(args: argparse.Namespace, argv: list[str]) -> int:
    for case in metadata.load_all():
        print(
            f"{case.id:<18} {case.status:<8} {case.package:<10} checks: "
            f"{', '.join(case.checks)}; variants: {', '.join(case.variants)}"
        )
    return 0


def cmd_audit(args: argparse.Namespace, argv: list[str]) -> int:
    return commandline.run(args)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m harness",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = top.add_subparsers(dest="command", required=True)

    def running(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--results",
            default=str(RESULTS),
            help="results folder: run files go to its runs/ (default: results)",
        )
        p.add_argument(
            "--jobs",
            type=options.jobs,
            default=os.cpu_count() or 1,
            help="cells run at once, 1 or more (default: the number of cores)",
        )
        p.add_argument(
            "--venv-backend",
            default=venvs.DEFAULT_BACKEND,
            help="nox backend for the cells' environments (default: uv|virtualenv)",
        )
        p.add_argument(
            "--envs",
            default=str(ENVS),
            help="folder of the cells' environments (default: .nox/cells)",
        )

    def unreleased(p: argparse.ArgumentParser, vcs: bool = False) -> None:
        p.add_argument(
            "--upstream-path",
            metavar="DIR",
            help="the upstream package from this source tree instead of a release",
        )
        if vcs:
            p.add_argument(
                "--upstream", metavar="'PKG @ git+URL@REF'", help="the package from a VCS ref"
            )

    p_all = sub.add_parser("all", help="every cell, then the matrix report")
    p_all.add_argument("--case", action="append", help="only this case (repeatable)")
    p_all.add_argument("--python", action="append", help="only this Python, e.g. 3.11")
    unreleased(p_all, vcs=True)
    p_all.add_argument(
        "--save-baseline",
        action="store_true",
        help="make the run this OS's committed baseline (with --case or --python: merged "
        "into it); refused from a tree with uncommitted changes",
    )
    p_all.add_argument(
        "--allow-dirty",
        action="store_true",
        help="--save-baseline from a tree with uncommitted changes; the baseline records it",
    )
    running(p_all)
    p_all.set_defaults(func=cmd_all)

    p_run = sub.add_parser("run", help="one case on one Python, evidence printed")
    p_run.add_argument("case")
    p_run.add_argument("--python", required=True)
    p_run.add_argument("--variant")
    p_run.add_argument("--check")
    p_run.add_argument(
        "--upstream",
        help="PKG==VERSION: run against this release instead; or 'PKG @ git+URL@REF'",
    )
    unreleased(p_run)
    p_run.add_argument("--json", help="also write the cells' result document here")
    p_run.add_argument(
        "--blind",
        action="append",
        metavar="PROBE",
        help="switch this probe's channel off in every run (repeatable): the cell must be error",
    )
    running(p_run)
    p_run.set_defaults(func=cmd_run)

    p_report = sub.add_parser("report", help="merge result files into the matrix")
    p_report.add_argument("files", nargs="*", help="result files (default: results/baseline/*)")
    p_report.add_argument("--out", help="folder for matrix.md and matrix.html (default: results)")
    p_report.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when a cell disagrees (the report is written either way)",
    )
    p_report.set_defaults(func=cmd_report)

    p_regression = sub.add_parser("regression", help="latest cells vs the committed baseline")
    p_regression.add_argument("--python", action="append", help="only this Python")
    p_regression.add_argument("--case", action="append", help="only this case (repeatable)")
    unreleased(p_regression, vcs=True)
    running(p_regression)
    p_regression.set_defaults(func=cmd_regression)

    p_history = sub.add_parser("history", help="a case against every release in a range")
    p_history.add_argument("case")
    p_history.add_argument("--python", default="3.11")
    p_history.add_argument("--from", dest="from_", help="oldest release (default: all)")
    p_history.add_argument("--to", help="newest release (default: all)")
    p_history.add_argument("--check", action="append", help="only this check (repeatable)")
    unreleased(p_history, vcs=True)
    running(p_history)
    p_history.set_defaults(func=cmd_history)

    p_blind = sub.add_parser(
        "blind", help="every check blinded on each of its probes: each must come out error"
    )
    p_blind.add_argument("--case", action="append", help="only this case (repeatable)")
    p_blind.add_argument("--python", default="3.11")
    p_blind.add_argument(
        "--readme", action="store_true", help="also write the table into docs/adding-a-probe.md"
    )
    running(p_blind)
    p_blind.set_defaults(func=cmd_blind)

    p_readme = sub.add_parser("readme", help="the docs' generated parts: claims tables, baselines")
    p_readme.set_defaults(func=cmd_readme)

    p_cases = sub.add_parser("cases", help="list the cases (validates every case.toml)")
    p_cases.set_defaults(func=cmd_cases)

    p_audit = sub.add_parser("audit", help="which known leaks hit an app's pinned releases")
    commandline.add_arguments(p_audit)
    p_audit.set_defaults(func=cmd_audit)
    return top


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    # A shell starts background jobs with SIGINT ignored, and Python then never raises
    # KeyboardInterrupt: an interrupt must always stop a run cleanly.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with scratch.private_tmpdir():
            return int(args.func(args, argv))
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: every cell finished so far is in the result file", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001  the harness failed, not the input: exit 3
        traceback.print_exc()
        print("error: the harness failed (exit status 3); the traceback is above", file=sys.stderr)
        return 3
