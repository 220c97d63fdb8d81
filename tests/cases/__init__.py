"""Tests of the code of cases/ itself: shared helpers and case modules."""
