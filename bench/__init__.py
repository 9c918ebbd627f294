"""Benchmarks that print figures. Never part of the test run; see docs/benchmarks.md."""
