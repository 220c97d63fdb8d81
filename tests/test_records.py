"""The record types (harness/records.py) and the result schema
(harness/schema/results.schema.json) say the same thing: each TypedDict has its object's
properties as keys and its required properties as required keys. And no module spells an
outcome word as a string: outcomes are ``Outcome`` members."""

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from harness import records
from harness.outcomes import Outcome

HARNESS = Path(__file__).resolve().parent.parent / "harness"
SCHEMA = json.loads((HARNESS / "schema" / "results.schema.json").read_text())
DEFS = SCHEMA["$defs"]
CELL = DEFS["cell"]["properties"]

# Each TypedDict and the object of the schema it mirrors.
MIRRORS: list[tuple[Any, dict[str, Any]]] = [
    (records.Document, SCHEMA),
    (records.Run, SCHEMA["properties"]["run"]),
    (records.MergedRun, SCHEMA["properties"]["run"]["properties"]["merged_from"]["items"]),
    (records.Host, DEFS["host"]),
    (records.Corpus, DEFS["corpus"]),
    (records.Cell, DEFS["cell"]),
    (records.Upstream, CELL["upstream"]),
    (records.Source, CELL["upstream"]["properties"]["source"]),
    (records.Evidence, CELL["evidence"]),
    (records.RunEvidence, CELL["evidence"]["properties"]["runs"]["items"]),
]


@pytest.mark.parametrize("typed, schema", MIRRORS, ids=lambda m: getattr(m, "__name__", ""))
def test_each_record_type_has_its_schema_objects_keys(typed: Any, schema: dict[str, Any]) -> None:
    assert set(typed.__annotations__) == set(schema["properties"])
    assert typed.__required_keys__ == set(schema["required"])


def test_the_key_of_a_cell_is_part_of_a_cell() -> None:
    key = records.CellKey.__annotations__
    assert key.items() <= records.Cell.__annotations__.items()


def test_the_outcomes_are_the_schemas() -> None:
    assert {o.value for o in Outcome} == set(CELL["outcome"]["enum"])
    assert set(CELL["expected"]["enum"]) - {None} <= {o.value for o in Outcome}


def _spelled_outcomes(path: Path) -> list[str]:
    """Outcome words written as string constants, other than as keys of a record (the child's
    evidence keeps why a code path is absent under ``absent``) or an Enum's own values."""
    words = {o.value for o in Outcome}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            allowed.add(id(node.slice))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get":
            allowed.update(id(arg) for arg in node.args[:1])
        elif isinstance(node, ast.ClassDef) and any(
            getattr(base, "id", None) in ("Enum", "Word") for base in node.bases
        ):  # another vocabulary's own word (an audit status "absent") is not an outcome
            allowed.update(id(n) for n in ast.walk(node))
    return [
        f"{path.relative_to(HARNESS)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in words and id(node) not in allowed
    ]


def test_no_module_spells_an_outcome_word() -> None:
    # outcomes.py defines them; child.py runs in the cells' Pythons, apart from the harness.
    modules = sorted(set(HARNESS.rglob("*.py")) - {HARNESS / "outcomes.py", HARNESS / "child.py"})
    assert [hit for path in modules for hit in _spelled_outcomes(path)] == []
