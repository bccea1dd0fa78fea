"""The models of ``attendance``: set-up per conference (``setup``) and registrations (``registrations``)."""

from attendance.models.registrations import Answer, Registration
from attendance.models.setup import FeeTier, Question, QuestionChoice, RegistrationSettings, RegistrationType

__all__ = [
    "Answer",
    "FeeTier",
    "Question",
    "QuestionChoice",
    "Registration",
    "RegistrationSettings",
    "RegistrationType",
]
