"""Tests of the run: plan, interpreters, environments, runner, engine, verdict, probes."""
