"""Sessions of the leak corpus. The engine lives in ``harness/``; these only call it.

Every session runs the harness from one shared environment (``.nox/harness``, built with uv
from pyproject.toml and reused while pyproject.toml is unchanged). The cells' environments are
the harness's business: one per interpreter and requirement set, so the sessions here make
none of their own (``venv_backend="none"``).

Missing interpreters: nox makes them an error when ``CI`` is set. Here no session asks nox for
an interpreter; the harness finds them (PATH and pyenv) and records a cell whose Python is not
installed as ``skip`` with the reason, on CI and off it alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # nox does not put the noxfile's folder on sys.path

from harness import scratch  # noqa: E402  (standard library and nox only)
from harness.run import venvs  # noqa: E402

PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS = PYPROJECT["tool"]["corpus"]["pythons"]
CASES = sorted(p.parent.name for p in (ROOT / "cases").glob("*/case.toml"))

nox.options.sessions = ["all"]
nox.options.error_on_missing_interpreters = False


def _harness(session: nox.Session, *args: str, group: str = "test") -> None:
    requirements = [
        *PYPROJECT["project"]["dependencies"],
        *nox.project.dependency_groups(PYPROJECT, group),
    ]
    folder = ROOT / ".nox" / ("harness" if group == "test" else f"harness-{group}")
    with scratch.private_tmpdir():  # uv and pytest write there, not to the machine's /tmp
        env = venvs.ensure(folder, sys.executable, requirements)
        if args:
            try:
                session.run(str(env.python), *args, external=True)
            except nox.command.CommandFailed as exc:
                # nox would fold every failure into 1; the harness's statuses mean one thing
                # each (1 disagree, 2 bad input, 3 harness failed), so the session keeps them.
                raise SystemExit(exc.return_code) from None
        else:
            session.log(f"the harness's Python: {env.python}")


@nox.session(venv_backend="none", default=False)
def harness(session: nox.Session) -> None:
    """Build the harness's environment only (.nox/harness): its Python runs
    `python -m harness COMMAND ...` without nox, as the workflow does."""
    _harness(session)


@nox.session(venv_backend="none")
def all(session: nox.Session) -> None:
    """Every case x variant x Python, then the matrix report in results/."""
    _harness(session, "-m", "harness", "all", *session.posargs)


for _case in CASES:

    @nox.session(name=_case, venv_backend="none", tags=[_case], default=False)
    def _one_case(session: nox.Session, case: str = _case) -> None:
        _harness(session, "-m", "harness", "all", "--case", case, *session.posargs)

    _one_case.__doc__ = f"One case, {_case}, across its variants and Pythons."


@nox.session(venv_backend="none", default=False)
@nox.parametrize("python", PYTHONS)
def run(session: nox.Session) -> None:
    """One case on one Python: nox -s run -p 3.11 -- CASE [--variant V] [--upstream PKG==VER]."""
    if not session.posargs:
        session.error(
            "usage: nox -s run -p 3.11 -- CASE [--variant V] [--check C] "
            "[--upstream PKG==VER] [--json FILE]"
        )
    _harness(session, "-m", "harness", "run", "--python", str(session.python), *session.posargs)


@nox.session(venv_backend="none", default=False)
def report(session: nox.Session) -> None:
    """The matrix rebuilt from result files (default: results/baseline/*.json)."""
    _harness(session, "-m", "harness", "report", *session.posargs)


@nox.session(venv_backend="none", default=False)
def regression(session: nox.Session) -> None:
    """Every case against the newest upstream releases, compared with the committed baseline."""
    _harness(session, "-m", "harness", "regression", *session.posargs)


@nox.session(venv_backend="none", default=False)
def history(session: nox.Session) -> None:
    """A case against every release: nox -s history -- CASE [--python X] [--from V] [--to V]."""
    if not session.posargs:
        session.error("usage: nox -s history -- CASE [--python 3.11] [--from VER] [--to VER]")
    _harness(session, "-m", "harness", "history", *session.posargs)


@nox.session(venv_backend="none", default=False)
def readme(session: nox.Session) -> None:
    """The docs' generated parts written again: every case.toml's write-up claims
    (docs/cases.md) and what the committed baselines hold (docs/result-format.md)."""
    _harness(session, "-m", "harness", "readme")


@nox.session(venv_backend="none", default=False)
def blind(session: nox.Session) -> None:
    """Every check blinded on each of its probes (each must be error): results/blind.md, and
    with --readme the table in docs/adding-a-probe.md."""
    _harness(session, "-m", "harness", "blind", *session.posargs)


@nox.session(venv_backend="none", default=False)
def docs(session: nox.Session) -> None:
    """docs/ built as a site into site/ (MkDocs, mkdocs.yml): strict, so any warning (a broken
    link or anchor, a page missing from the nav) fails it. MkDocs is in the test group, so this
    uses the harness's own environment."""
    config = str(ROOT / "mkdocs.yml")
    _harness(session, "-m", "mkdocs", "build", "--strict", "-f", config, *session.posargs)


@nox.session(venv_backend="none", default=False)
def mutation(session: nox.Session) -> None:
    """Mutation testing of the harness (mutmut): scores per module, survivors, time taken."""
    _harness(session, "-m", "harness.studies.mutation", *session.posargs, group="mutation")


@nox.session(venv_backend="none", default=False)
def audit(session: nox.Session) -> None:
    """Which known leaks hit an app's pins: nox -s audit -- --lock uv.lock [--verify]
    (docs/auditing.md). Exit status, this project's own scheme (not pip-audit's): 0, 1 (a
    leak hits), 2 (bad input), 3 (the harness failed)."""
    _harness(session, "-m", "harness", "audit", "--base", session.invoked_from, *session.posargs)


@nox.session(venv_backend="none", default=False)
def benchmark(session: nox.Session) -> None:
    """Cold, warm and pip-based runs of the matrix against the floor: benchmarks/matrix.py."""
    _harness(session, "benchmarks/matrix.py", *session.posargs)


@nox.session(venv_backend="none", default=False)
def audit_benchmark(session: nox.Session) -> None:
    """The audit's speed: static per example lock file, --verify against its floor."""
    _harness(session, "benchmarks/audit.py", *session.posargs)


@nox.session(venv_backend="none", default=False)
def lint(session: nox.Session) -> None:
    """The type checker and the linter, as pyproject.toml configures them: mypy (strict, on
    harness/), ruff's rules and its formatter (every Python file but cases/ and fixes/).
    tests/test_lint.py runs the same, so `nox -s tests` enforces them too."""
    _harness(session, "-m", "mypy")
    _harness(session, "-m", "ruff", "check")
    _harness(session, "-m", "ruff", "format", "--check")


@nox.session(venv_backend="none", default=False)
def tests(session: nox.Session) -> None:
    """The corpus's own offline tests: probes against synthetic leaks and clean twins, the
    runner, the engine, the report (no network)."""
    _harness(session, "-m", "pytest", "-m", "not matrix", *session.posargs)


@nox.session(name="tests-online", venv_backend="none", default=False)
def tests_online(session: nox.Session) -> None:
    """The tests that install releases from PyPI and run real cells (slow)."""
    _harness(session, "-m", "pytest", "-m", "matrix", *session.posargs)
