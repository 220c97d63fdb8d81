"""Words no stronger than the evidence: what a case's prose may say, given its committed cells.

- A claim judged ``confirmed`` rests on a native cell it cites (``cells``) that reached a
  verdict on the OS the claim is about: an OS the claim names ("on Windows"), else one of the
  case's platforms. Evidence from doubles of a platform's API is ``confirmed-in-simulation``,
  which needs a simulated cell it cites.
- A claim that cites a simulated check says "in simulation" in its evidence.
- "confirmed" and "natively" in the case's own prose (notes, finding, fix, the claims' evidence,
  UPSTREAM.md, the fix's README) need a native cell of the case that reached a verdict on each
  OS the sentence names, else on one of the case's platforms. Negations count too: say "no
  native cell has run" rather than "never shown natively".
- A case with no native cell on any of its platforms says "in simulation" in its ``finding``.

The cells are the committed ones (``committed.cells()``): a word is only as strong as what is
in the repository.
"""

from __future__ import annotations

import re

from harness.corpus.metadata import FIXES, Case, Claim
from harness.outcomes import Outcome
from harness.records import Cell

OS_WORDS = {"linux": "Linux", "darwin": "macOS", "win32": "Windows"}
CONFIRMED, IN_SIMULATION_VERDICT = "confirmed", "confirmed-in-simulation"
IN_SIMULATION = "in simulation"
_STRONG = re.compile(r"\b(confirmed|natively)\b", re.IGNORECASE)
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NO_VERDICT = (Outcome.ERROR, Outcome.SKIP)


def named_oses(text: str) -> set[str]:
    """The OSes a text names, by their usual names (Linux, macOS, Windows)."""
    return {os_id for os_id, word in OS_WORDS.items() if re.search(rf"\b{word}\b", text)}


def evidence_oses(
    case_id: str,
    kind: str,
    cells: list[Cell],
    pairs: set[tuple[str, str]] | None = None,
) -> set[str]:
    """The OSes where a cell of case_id with this evidence kind reached a verdict (only the
    check/variant pairs given, when given)."""
    return {
        cell["os"]
        for cell in cells
        if cell["case"] == case_id
        and cell["evidence_kind"] == kind
        and cell["outcome"] not in _NO_VERDICT
        and (pairs is None or (cell["check"], cell["variant"]) in pairs)
    }


def _pairs(claim: Claim) -> set[tuple[str, str]]:
    return {(check, variant) for check, _, variant in (c.partition("/") for c in claim.cells)}


def _names(oses: set[str] | tuple[str, ...]) -> str:
    return " or ".join(OS_WORDS.get(o, o) for o in sorted(oses))


def _claim(case: Case, claim: Claim, cells: list[Cell]) -> list[str]:
    where = f"{case.id} {claim.id}"
    found = []
    about = named_oses(claim.claim) or set(case.platforms)
    if claim.verdict == CONFIRMED:
        native = evidence_oses(case.id, "native", cells, _pairs(claim))
        if not native & about:
            found.append(
                f"{where}: verdict confirmed, but no native cell it cites ran on {_names(about)}"
                f" (native cells it cites ran on: {_names(native) or 'none'})"
            )
    if claim.verdict == IN_SIMULATION_VERDICT and not evidence_oses(
        case.id, "simulated", cells, _pairs(claim)
    ):
        found.append(
            f"{where}: verdict {IN_SIMULATION_VERDICT}, but no simulated cell it cites ran"
        )
    simulated = sorted(
        c for c in claim.cells if case.checks[c.partition("/")[0]].evidence == "simulated"
    )
    if simulated and IN_SIMULATION not in claim.evidence.lower():
        found.append(
            f"{where}: cites simulated cells ({', '.join(simulated)}) but its evidence does not "
            f"say {IN_SIMULATION!r}"
        )
    return found


def prose(case: Case) -> dict[str, str]:
    """The case's own words, by where they are: notes, finding, fix, each claim's evidence,
    UPSTREAM.md and the fix's README."""
    texts = {"notes": case.notes, "finding": str(case.raw.get("finding", "")), "fix": case.fix}
    texts.update({f"claims.{c.id}.evidence": c.evidence for c in case.claims})
    files = {
        f"cases/{case.id}/UPSTREAM.md": case.path / "UPSTREAM.md",
        f"fixes/{case.id}/README.md": FIXES / case.id / "README.md",
    }
    texts.update({k: p.read_text(encoding="utf-8") for k, p in files.items() if p.is_file()})
    return texts


def _sentences(text: str) -> list[str]:
    return [
        sentence
        for paragraph in _PARAGRAPH.split(text)
        for sentence in _SENTENCE_END.split(" ".join(paragraph.split()))
    ]


def _strong_words(case: Case, texts: dict[str, str], cells: list[Cell]) -> list[str]:
    native = evidence_oses(case.id, "native", cells)
    found = []
    for where, text in texts.items():
        for sentence in _sentences(text):
            strong = _STRONG.search(sentence)
            if not strong:
                continue
            # each OS the sentence names, else any one of the case's platforms
            named = named_oses(sentence)
            if named:
                missing = named - native
            else:
                missing = set() if native & set(case.platforms) else set(case.platforms)
            if missing:
                found.append(
                    f"{case.id} {where}: {sentence[:160]!r} says {strong.group(0)!r} with no "
                    f"native cell on {_names(missing)}"
                )
    return found


def problems(case: Case, cells: list[Cell], texts: dict[str, str] | None = None) -> list[str]:
    """Every place where the case's words are stronger than its committed cells (texts: the
    case's prose, by default ``prose(case)``)."""
    texts = prose(case) if texts is None else texts
    found = [p for claim in case.claims for p in _claim(case, claim, cells)]
    found += _strong_words(case, texts, cells)
    if not evidence_oses(case.id, "native", cells) & set(case.platforms):
        finding = texts.get("finding", "")
        if finding and IN_SIMULATION not in finding.lower():
            found.append(
                f"{case.id} finding: no native cell ran on {_names(case.platforms)}, "
                f"but the finding does not say {IN_SIMULATION!r}"
            )
    return found
