"""Domain tables of the appraisal side (imported by migrations/env.py)."""

from .org import ActingAssignment, Employee, Position, PositionAssignment, Unit, UserAccount

__all__ = ["ActingAssignment", "Employee", "Position", "PositionAssignment", "Unit", "UserAccount"]
