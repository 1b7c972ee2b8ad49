"""Benchmarks: Kinerja's persisted engine path against raw SpiffWorkflow, measured as ratios in one run."""
