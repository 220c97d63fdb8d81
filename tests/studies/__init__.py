"""Tests of studies: history, regression, blind, generated docs, mutation."""
