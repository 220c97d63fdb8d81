"""The corpus's metadata: cases, expectation rules, committed cells, prose."""
