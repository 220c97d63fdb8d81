"""Apply a unified diff to an upstream module's source as it is imported.

A fix that is meant for upstream is kept as the unified diff a maintainer would apply
(``fixes/<id>/*.diff``, the same text as in ``cases/<id>/UPSTREAM.md``). A patch module calls
``install(module_name, diff_path)``: the module is then executed from its own installed source
with the diff applied, so the cells test exactly the diff that is reported. A diff that does not
apply (other release, other source) raises: the cell is an error, never a silent no-op.

Standard library only: this runs in the cell's interpreter (Python 3.8+).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, List, Optional, Sequence

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
MARK = "_corpus_source_patch"


def apply_diff(source: str, diff: str) -> str:
    """The source with every hunk of a unified diff applied; ValueError where it does not fit."""
    old = source.splitlines(keepends=True)
    out: List[str] = []
    pos = 0
    hunk = False
    for line in diff.splitlines(keepends=True):
        match = HUNK.match(line)
        if match:
            start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
            if start < pos:
                raise ValueError("hunks overlap or are out of order at %r" % line.strip())
            out.extend(old[pos:start])
            pos, hunk = start, True
        elif not hunk or line.startswith("\\"):
            continue  # file headers, "\ No newline at end of file"
        elif line[:1] in (" ", "-"):
            if pos >= len(old) or old[pos].rstrip("\r\n") != line[1:].rstrip("\r\n"):
                found = old[pos].rstrip() if pos < len(old) else "end of file"
                expected = line[1:].rstrip()
                raise ValueError("line %d: expected %r, found %r" % (pos + 1, expected, found))
            if line[0] == " ":
                out.append(old[pos])
            pos += 1
        elif line[:1] == "+":
            out.append(line[1:])
        else:
            raise ValueError("not a unified diff line: %r" % line)
    out.extend(old[pos:])
    return "".join(out)


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Finds one module like the path finder would and executes its patched source instead."""

    def __init__(self, name: str, diff: str) -> None:
        self.name, self.diff = name, diff

    def find_spec(
        self, fullname: str, path: Optional[Sequence[str]] = None, target: Any = None
    ) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname != self.name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or spec.loader is None:
            return None
        sys.meta_path.remove(self)
        origin, diff = spec.origin, self.diff

        def exec_module(module: ModuleType) -> None:
            source = Path(origin).read_text(encoding="utf-8")
            patched = apply_diff(source, diff)
            exec(compile(patched, origin, "exec"), module.__dict__)  # noqa: S102
            setattr(module, MARK, True)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign, union-attr]
        return spec


def install(name: str, diff_path: Path) -> None:
    """Patch module ``name`` with the diff when it is first imported (it must not be loaded yet)."""
    if name in sys.modules:
        raise RuntimeError("%s was imported before the patch could be installed" % name)
    diff = diff_path.read_text(encoding="utf-8")
    if not any(isinstance(f, _PatchOnImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport(name, diff))
