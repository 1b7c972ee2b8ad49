"""Domain tables of the appraisal side (imported by migrations/env.py)."""

from .follow_up import PartialPeriod, SanctionDecision
from .org import ActingAssignment, ApiToken, Employee, Position, PositionAssignment, Unit, UserAccount
from .periods import MonitoringPeriod
from .records import (
    Appeal,
    AppealWindow,
    Consent,
    DevelopmentPlan,
    PredikatRecord,
    Publication,
    Rating,
    RatingDetail,
    Signature,
    TalentPoolEntry,
    UnitRating,
)
from .skp import (
    BehaviourExpectation,
    CoachingSession,
    Feedback,
    Iki,
    RaterResponse,
    Realisation,
    Rhk,
    Skp,
    SkpAnnex,
)

__all__ = [
    "ActingAssignment", "ApiToken", "Appeal", "AppealWindow", "BehaviourExpectation", "CoachingSession", "Consent",
    "DevelopmentPlan", "Employee", "Feedback", "Iki", "MonitoringPeriod", "PartialPeriod", "Position",
    "PositionAssignment", "PredikatRecord", "Publication", "RaterResponse", "Rating", "RatingDetail", "Realisation",
    "Rhk", "SanctionDecision", "Signature", "Skp", "SkpAnnex", "TalentPoolEntry", "Unit", "UnitRating", "UserAccount",
]
