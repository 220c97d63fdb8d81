"""Code shared by several cases (not a case: no case.toml). Imported by reproducers as
``from cases._shared import <module>``; the repository root is on their PYTHONPATH."""
