"""The report: matrix, case pages, terminal."""
