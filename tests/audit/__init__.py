"""Tests of the audit: lock files, static answers, formats, ignore file, --verify."""
