"""The run: cells planned, environments, the runner, the engine, judging."""
