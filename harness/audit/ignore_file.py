"""The audit's ignore file: cases an app has decided to live with, each with a reason and an
optional expiry date. An expired ignore stops ignoring, and the audit says so.

    [[ignore]]
    case = "werkzeug-3039"
    reason = "we never register call_on_close on send_file responses"
    expires = 2027-01-31        # optional: a TOML date or "YYYY-MM-DD"
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from harness.audit.lockfiles import LockError
from harness.corpus.metadata import tomllib


@dataclass(frozen=True)
class Ignore:
    case: str
    reason: str
    expires: datetime.date | None
    path: Path
    line: int

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and self.expires < today

    def describe(self, today: datetime.date) -> str:
        if self.expired(today):
            return (
                f"the ignore of {self.case} in {self.path}:{self.line} expired on "
                f"{self.expires} and no longer applies (reason was: {self.reason})"
            )
        until = f" until {self.expires}" if self.expires else ""
        return f"{self.case} ignored{until}: {self.reason}"


def _lines(text: str) -> list[int]:
    """The line of each ``[[ignore]]`` table, in order."""
    return [
        n for n, line in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[ignore\]\]", line)
    ]


def _date(value: object, where: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise LockError(f"{where}: expires {value!r} is not a date (YYYY-MM-DD)") from None


def load(path: Path, known_cases: list[str]) -> list[Ignore]:
    """The ignores of the file; a malformed entry or an unknown case id is bad input."""
    if not path.is_file():
        raise LockError(f"{path}: no such ignore file")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LockError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"ignore"}
    if unknown:
        raise LockError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; expected [[ignore]]")
    lines = _lines(text)
    ignores = []
    for index, entry in enumerate(data.get("ignore", [])):
        line = lines[index] if index < len(lines) else 0
        where = f"{path}:{line}"
        extra = set(entry) - {"case", "reason", "expires"}
        if extra:
            raise LockError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        if not isinstance(entry.get("case"), str) or not isinstance(entry.get("reason"), str):
            raise LockError(f"{where}: an ignore needs a case id and a reason (strings)")
        if not entry["reason"].strip():
            raise LockError(f"{where}: the reason of an ignore may not be empty")
        if entry["case"] not in known_cases:
            raise LockError(
                f"{where}: unknown case id {entry['case']!r} (known: {', '.join(known_cases)})"
            )
        ignores.append(
            Ignore(entry["case"], entry["reason"], _date(entry.get("expires"), where), path, line)
        )
    return ignores


def active(ignores: list[Ignore], case: str, today: datetime.date) -> Ignore | None:
    """The ignore that applies to the case today, if any."""
    return next((i for i in ignores if i.case == case and not i.expired(today)), None)
