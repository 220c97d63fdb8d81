"""Tests of the report: matrix tables, case pages, terminal, evidence, the browser."""
