"""Synthetic patch that fails to apply."""


def apply() -> None:
    raise RuntimeError("this patch does not apply to this release")
