"""Instances from start to end: launch, inspect and control them, migrate them, draw their state."""
