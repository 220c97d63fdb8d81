"""Mutation testing of the harness with mutmut: which one-line changes to the engine the
offline tests let through.

``nox -s mutation -- [MODULE | MUTANT ...] [--jobs N]`` mutates the named modules of
``harness/`` (default: the engine's core, below), or tests only the named mutants
(``harness.run.plan.x_resolve__mutmut_3``, globs allowed; earlier results of the others stand),
runs the offline tests that cover each mutant, and prints
per module how many mutants the tests killed, the score, and the time taken. Mutants listed in
``tests/mutation-equivalent.toml`` (each with the reason it cannot change behaviour) are left
out of the score. Exit status 1 when a score is under its target.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from harness.corpus.metadata import tomllib

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENT = ROOT / "tests" / "mutation-equivalent.toml"
# Module -> the share of its mutants the tests must kill; the whole set must reach OVERALL.
# Issue 9 asked 90% of verdict, expectations and probes; the other four are held to the same
# floor since every one of them reached 100% (a module under it has lost tests).
TARGETS = {
    "run.verdict": 0.90,
    "corpus.expectations": 0.90,
    "run.probes": 0.90,
    "run.runner": 0.90,
    "run.engine": 0.90,
    "results": 0.90,
    "run.plan": 0.90,
}
OVERALL = 0.75
LINE = re.compile(r"^\s*(harness\.[\w.]+__mutmut_\d+): (.+)$")


def module_of(mutant: str) -> str:
    """``harness.run.probes.files.x_temp_leftovers__mutmut_3`` -> ``run.probes.files``: the
    module below harness/ (the last part names the function)."""
    return mutant.split(".", 1)[1].rsplit(".", 1)[0]


def within(module: str, target: str) -> bool:
    """Whether ``module`` is ``target`` or inside it (``run.probes.files`` in ``run.probes``)."""
    return module == target or module.startswith(f"{target}.")


def equivalents() -> dict[str, str]:
    if not EQUIVALENT.is_file():
        return {}
    entries = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8")).get("equivalent", [])
    return {e["mutant"]: e["why"] for e in entries}


def statuses(text: str) -> dict[str, str]:
    """Mutant -> status, from ``mutmut results --all true``."""
    return {m.group(1): m.group(2).strip() for line in text.splitlines() if (m := LINE.match(line))}


def scores(
    found: dict[str, str], modules: list[str], skip: dict[str, str]
) -> list[tuple[str, int, int, float, list[str]]]:
    """(module, killed, judged, score, survivors) per module and for all of them."""
    rows: list[tuple[str, int, int, float, list[str]]] = []
    total: Counter[str] = Counter()
    for module in modules:
        mine = {k: v for k, v in found.items() if within(module_of(k), module) and k not in skip}
        judged = [k for k, v in mine.items() if v != "not checked"]
        killed = [k for k in judged if mine[k] == "killed"]
        survivors = sorted(k for k in judged if mine[k] != "killed")
        rows.append((module, len(killed), len(judged), _share(killed, judged), survivors))
        total.update(killed=len(killed), judged=len(judged))
    rows.append(("all", total["killed"], total["judged"], _ratio(total), []))
    return rows


def _share(killed: list[str], judged: list[str]) -> float:
    return len(killed) / len(judged) if judged else 0.0


def _ratio(total: Counter[str]) -> float:
    return total["killed"] / total["judged"] if total["judged"] else 0.0


# The namespace's PID 1: private /tmp and /dev/shm (mutants leave temp files and semaphores
# there, a mutated environment puts a cell's canary in the real /tmp), then its arguments as a
# child, not exec'd in its place. Its first argument is the checkout: when it lives under /tmp
# or /dev/shm the new tmpfs hides it, so it is bound back at its own path from a descriptor
# opened before the mount (``--no-canonicalize``: mount must not resolve the descriptor's link
# to a path, which would now name the empty folder on the tmpfs).
SH_RUN = (
    'keep=$1; shift; exec 3<"$keep" || exit 97; '
    "mount -t tmpfs tmpfs /tmp && mount -t tmpfs tmpfs /dev/shm || exit 97; "
    'if [ ! -d "$keep" ]; then mkdir -p "$keep" && '
    'mount --no-canonicalize --bind /proc/self/fd/3 "$keep" || exit 97; fi; '
    'exec 3<&-; "$@"; exit $?'
)


def pid_namespace() -> list[str]:
    """The command prefix that runs mutmut in a PID namespace of its own, or [] where there is
    none (it also needs the right to mount). Mutants of runner.py's kill logic (a marker test
    negated, a process filter dropped) signal every process they can see; unfenced, they killed
    other runs on the same machine. A shell is the namespace's PID 1, not mutmut: PID 1 is
    handed every orphan, and mutmut, waiting for any child, then meets pids it never started."""
    fence = [
        *("unshare", "--pid", "--fork", "--mount-proc", "--kill-child"),
        *("sh", "-c", SH_RUN, "sh", str(ROOT)),
    ]
    if not shutil.which("unshare"):
        return []
    probe = subprocess.run([*fence, "true"], capture_output=True, check=False)
    return fence if probe.returncode == 0 else []


def selection(names: list[str]) -> tuple[list[str], list[str]]:
    """Modules and mutmut patterns for the names given: a module or package (``run.plan``)
    selects all its mutants, a mutant name or glob (``harness.run.plan.x_cells__mutmut_*``)
    only those."""
    modules: list[str] = []
    patterns: list[str] = []
    for name in names:
        module = module_of(name) if name.startswith("harness.") else name
        patterns.append(name if name.startswith("harness.") else f"harness.{name}.*")
        if module not in modules:
            modules.append(module)
    return modules, patterns


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.studies.mutation", description=__doc__)
    parser.add_argument(
        "names", nargs="*", default=list(TARGETS), help="harness modules or mutant names"
    )
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once")
    args = parser.parse_args(argv)
    if any(n.startswith("harness.") and "__mutmut_" not in n and "*" not in n for n in args.names):
        print(
            "error: a mutant name is harness.PACKAGE.MODULE.FUNCTION__mutmut_N (or a glob); "
            "a module is named without harness. (run.plan)",
            file=sys.stderr,
        )
        return 2
    modules, patterns = selection(args.names)
    unknown = [
        m
        for m in modules
        if not (ROOT / "harness" / Path(*m.split("."))).with_suffix(".py").exists()
        and not (ROOT / "harness" / Path(*m.split("."))).is_dir()
    ]
    if unknown:
        print(f"error: no harness module {', '.join(unknown)}", file=sys.stderr)
        return 2
    started = time.monotonic()
    mutmut = [sys.executable, "-m", "mutmut"]
    fence = pid_namespace()
    if not fence:
        print(
            "warning: no PID namespace (unshare): a mutant of the runner's kill logic can "
            "signal any process of this user",
            file=sys.stderr,
        )
    run = [*fence, *mutmut, "run", "--max-children", str(args.jobs), *patterns]
    ran = subprocess.run(run, cwd=ROOT)
    if ran.returncode != 0:
        print(
            f"error: mutmut exited {ran.returncode} (it stops when the tests fail unmutated; "
            "its output above says why)",
            file=sys.stderr,
        )
        return 3
    listing = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True
    )
    took = time.monotonic() - started
    skip = equivalents()
    rows = scores(statuses(listing.stdout), modules, skip)
    print(
        f"\nmutation testing of harness/ ({took / 60:.1f} min, {len(skip)} equivalent mutants "
        f"left out, listed in {EQUIVALENT.relative_to(ROOT)}):"
    )
    failed = False
    for module, killed, judged, score, survivors in rows:
        target = OVERALL if module == "all" else TARGETS.get(module, 0.0)
        short = score < target
        failed |= short
        print(
            f"  {module:<13} {killed:>5} of {judged:<5} killed  {score:6.1%}"
            f"  (target {target:.0%}){'  UNDER TARGET' if short else ''}"
        )
        for name in survivors:
            print(f"      survived: {name}  (mutmut show {name})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
