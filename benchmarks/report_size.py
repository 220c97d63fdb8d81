"""Where the HTML report's bytes go, on the three-OS merge the report's tests build (the committed
Linux baseline with Windows and macOS copies of it):

    .nox/harness/bin/python benchmarks/report_size.py

Prints, for each page written, its size and its bytes per component: each byte of markup and
text counts for the innermost element that a rule below names (a byte outside all of them is
"page"). A size, not a time: the test of the budget is in tests/report/test_tables.py.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from harness.report import tables
from tests.reportdata import three_oses

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the harness is the corpus's own package

CELL = "evidence: cell lines (where, outcome, Python, time, environment)"
# (tag, attribute, value, inside) -> component: the value is one word of a class or an id (a
# trailing * matches a prefix); inside names the component the element must be in, if any.
RULES = {
    ("style", None, None, None): "CSS",
    ("script", None, None, None): "JS",
    ("header", None, None, None): "page header (verdict, totals, disagreements, filters; title)",
    ("p", "class", "meta", None): "case headers",
    ("p", "class", "finding", None): "case headers",
    ("p", "class", "fix", None): "case headers",
    ("p", "class", "links", None): "case headers",
    ("table", "class", "claims", None): "claims tables",
    ("table", "class", "m", None): "grid",
    ("section", "class", "ev", None): "evidence: row headings",
    ("div", "class", "all", None): "evidence: shared by a row",
    ("code", "class", "cmd", None): "evidence: rerun commands",
    ("li", "id", "e*", None): CELL,
    ("pre", None, None, None): "evidence: stderr",
    ("ul", "class", "w", None): "evidence: warnings",
    ("p", None, None, CELL): "evidence: runs, leftovers, controls, why",
    ("section", "id", "skips", None): "skipped cells",
    ("section", "id", "envs", None): "environments",
    ("section", "id", "runs", None): "runs merged",
}
VOID = {"meta", "br", "input", "link", "img", "hr", "wbr"}


def _matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


class Sizes(HTMLParser):
    """Bytes per component of one page (a tag's own bytes count for its own component)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[tuple[str, str | None]] = []
        self.bytes: Counter[str] = Counter()

    def _component(self, tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
        found, current = dict(attrs), self._current()
        for (name, attribute, value, inside), component in RULES.items():
            if name != tag or inside not in (None, current):
                continue
            words = (found.get(attribute) or "").split() if attribute else []
            if attribute is None or any(_matches(value, word) for word in words):
                return component
        return None

    def _current(self) -> str:
        return next((c for _, c in reversed(self.stack) if c), "page")

    def _add(self, raw: str, component: str | None = None) -> None:
        self.bytes[component or self._current()] += len(raw.encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        component = self._component(tag, attrs)
        self._add(self.get_starttag_text() or "", component)
        if tag not in VOID:
            self.stack.append((tag, component))

    def handle_endtag(self, tag: str) -> None:
        self._add(f"</{tag}>")
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self._add(data)

    def handle_entityref(self, name: str) -> None:
        self._add(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._add(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self._add(f"<!{decl}>")


def sizes(path: Path) -> Counter[str]:
    parser = Sizes()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.bytes


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="report-size-") as folder:
        out = Path(folder)
        matrix, _ = tables.write(three_oses(), out)
        pages = sorted(out.rglob("*.html"))
        print(f"{len(matrix.cells)} cells, {len(pages)} HTML page(s)")
        total = 0
        for path in pages:
            size = path.stat().st_size
            total += size
            print(f"\n{path.relative_to(out)}: {size:,} bytes")
            for component, count in sizes(path).most_common():
                print(f"  {count:>10,}  {count / size:6.1%}  {component}")
        markdown = (out / "matrix.md").stat().st_size
        print(f"\nHTML in all: {total:,} bytes ({total / len(matrix.cells):.0f} per cell)")
        print(f"matrix.md: {markdown:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
