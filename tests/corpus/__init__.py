"""Tests of the corpus's metadata: cases, rules, answers, committed cells, prose."""
