"""The audit's output formats, a registry: each module of this package (but those whose name
starts with ``_``) renders the audit document (``harness.audit.document``) one way and
registers itself under its name with ``@register``. Adding a format is adding a module here:
``--format`` offers every registered name.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

Render = Callable[[dict[str, Any]], str]
DEFAULT = "table"  # also what is printed beside a file written with --output

_FORMATS: dict[str, Render] = {}


def register(name: str) -> Callable[[Render], Render]:
    """Make a function ``doc -> text`` the format ``name``."""

    def add(render: Render) -> Render:
        if name in _FORMATS and _FORMATS[name] is not render:
            raise ValueError(f"two audit formats are called {name!r}")
        _FORMATS[name] = render
        return render

    return add


def _load() -> None:
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


def names() -> list[str]:
    """Every format, the default first, then by name."""
    _load()
    return [DEFAULT, *sorted(n for n in _FORMATS if n != DEFAULT)]


def render(doc: dict[str, Any], fmt: str) -> str:
    """The audit document in the format ``fmt``."""
    _load()
    try:
        return _FORMATS[fmt](doc)
    except KeyError:
        raise ValueError(f"no audit format {fmt!r} (known: {', '.join(names())})") from None
