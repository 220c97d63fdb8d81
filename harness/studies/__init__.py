"""Studies over many runs: history, regression, blind, README, mutation."""
