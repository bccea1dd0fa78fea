"""The models of ``attendance``: set-up per conference (``setup``), registrations
(``registrations``), hotels and their bookings (``lodging``), tours and their bookings (``tours``),
print jobs of letters and badges (``printing``), check-ins at the venue (``checkin``)."""

from attendance.models.checkin import CheckIn
from attendance.models.lodging import Hotel, HotelBooking, HotelPhoto, LodgingSettings, RoomNight, RoomType
from attendance.models.printing import PrintBatch, PrintBatchState, PrintKind
from attendance.models.registrations import Answer, Registration
from attendance.models.setup import FeeTier, Question, QuestionChoice, RegistrationSettings, RegistrationType
from attendance.models.tours import Tour, TourBooking

__all__ = [
    "Answer",
    "CheckIn",
    "FeeTier",
    "Hotel",
    "HotelBooking",
    "HotelPhoto",
    "LodgingSettings",
    "PrintBatch",
    "PrintBatchState",
    "PrintKind",
    "Question",
    "QuestionChoice",
    "Registration",
    "RegistrationSettings",
    "RegistrationType",
    "RoomNight",
    "RoomType",
    "Tour",
    "TourBooking",
]
