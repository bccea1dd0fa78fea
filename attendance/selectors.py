"""Reusable reads of registrations and their set-up.

Functions that find one person's registration narrow to one conference and, unless staff may
look, to that person: anything else is a 404, so a code never reveals whether it exists.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404

from attendance.enums import CHECKED, LIVE_STATES, UNCHECKED, AttendeeStatus, QuestionKind, RegistrationState
from attendance.models import Answer, FeeTier, Question, Registration, RegistrationType
from cms.enums import Role
from cms.permissions import has_role

STAFF_ROLES = (Role.ORGANIZER,)


# Questions --------------------------------------------------------------------------------------


def questions_for(conference):
    """The conference's active questions in display order, with their choices and conditions
    (two queries)."""
    return list(
        Question.objects.filter(conference=conference, active=True)
        .select_related("depends_on")
        .prefetch_related("choices")
        .order_by("sort_order", "id")
    )


def condition_met(question, value):
    """Whether ``value`` (a cleaned answer to ``question.depends_on``) shows ``question``."""
    expected = question.depends_value
    kind = question.depends_on.kind
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return expected in (value or [])
    if kind == QuestionKind.CHECKBOX:
        return (CHECKED if value else UNCHECKED) == expected
    if kind == QuestionKind.COUNTRY:
        return bool(value) and str(value).upper() == expected.strip().upper()
    return value is not None and str(value) == expected


def visible_questions(questions, answers):
    """The questions of ``questions`` that ``answers`` (``{question pk: cleaned value}``) show: a
    question with a condition is shown when the question it tests is shown and its answer meets
    the condition. A condition on a question that is not in ``questions`` hides the question."""
    by_pk = {question.pk: question for question in questions}
    shown = {}

    def is_shown(question, path=()):
        if question.pk in shown:
            return shown[question.pk]
        if question.depends_on_id is None:
            result = True
        else:
            parent = by_pk.get(question.depends_on_id)
            result = (
                parent is not None
                and parent.pk not in path
                and is_shown(parent, (*path, question.pk))
                and condition_met(question, answers.get(parent.pk))
            )
        shown[question.pk] = result
        return result

    return [question for question in questions if is_shown(question)]


# Registration types ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeOffer:
    """A registration type as the first step of the wizard shows it: its quote per currency
    (``None`` where no price is in force) and the places left (``None``: no limit)."""

    registration_type: RegistrationType
    quotes: dict
    places_left: int | None

    @property
    def available(self):
        return self.places_left != 0 and any(self.quotes.values())


def offered_types(conference, *, at=None):
    """The conference's active registration types with their prices now (or ``at``) and places
    left: three queries for any number of types."""
    from attendance.exceptions import PriceNotAvailable
    from attendance.services.capacity import places_left_by_type
    from attendance.services.pricing import currencies_for, quote

    types = list(
        RegistrationType.objects.filter(conference=conference, active=True)
        .prefetch_related(Prefetch("fee_tiers", queryset=FeeTier.objects.order_by("valid_until", "id")))
        .order_by("sort_order", "id")
    )
    left = places_left_by_type(types)
    offers = []
    for registration_type in types:
        registration_type.conference = conference
        quotes = {}
        for currency in currencies_for(conference):
            try:
                quotes[currency] = quote(registration_type=registration_type, currency=currency, at=at)
            except PriceNotAvailable:
                quotes[currency] = None
        offers.append(
            TypeOffer(registration_type=registration_type, quotes=quotes, places_left=left[registration_type.pk])
        )
    return offers


# Registrations ---------------------------------------------------------------------------------


def live_registrations(conference):
    """The conference's registrations that hold a place, with their person, type and order."""
    return (
        Registration.objects.live()
        .filter(conference=conference)
        .select_related("user", "registration_type", "order")
        .order_by("-created_at", "-id")
    )


def registrations_with_answers(conference):
    """Every registration of the conference with its answers (and their questions' choices)
    prefetched: for exports and the admin's detail views."""
    answers = Answer.objects.select_related("question").prefetch_related("question__choices")
    return (
        Registration.objects.filter(conference=conference)
        .select_related("user", "registration_type", "order")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("created_at", "id")
    )


def registration_for(user, conference):
    """The person's live registration in ``conference``; else their latest one (withdrawn or
    cancelled, so that "My conference" can say so); else ``None``."""
    if not getattr(user, "is_authenticated", False):
        return None
    registrations = Registration.objects.filter(conference=conference, user=user).select_related(
        "registration_type", "order"
    )
    return registrations.filter(state__in=LIVE_STATES).first() or registrations.order_by("-created_at", "-id").first()


def attendee_status(user, conference):
    """``None`` (not registered, or not logged in), ``AttendeeStatus.REGISTERED`` (a live
    registration awaiting approval or payment) or ``AttendeeStatus.CONFIRMED``. One query.

    Pages for "registered attendees" admit both; pages for "confirmed attendees" only the latter.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    state = (
        Registration.objects.filter(conference=conference, user=user, state__in=LIVE_STATES)
        .values_list("state", flat=True)
        .first()
    )
    if state is None:
        return None
    return AttendeeStatus.CONFIRMED if state == RegistrationState.CONFIRMED else AttendeeStatus.REGISTERED


def normalise_code(code):
    """Registration codes are upper case; people type them in any case."""
    return code.strip().upper()


def registration_of(*, user, conference, code, staff=False):
    """The registration ``code`` of ``conference`` if it is ``user``'s or (with ``staff``) the user
    organizes the conference; otherwise ``Http404``."""
    registration = (
        Registration.objects.filter(conference=conference, code=normalise_code(code))
        .select_related("user", "registration_type", "order")
        .first()
    )
    if registration is None:
        raise Http404
    if registration.user_id == getattr(user, "pk", None) or (staff and has_role(user, conference, *STAFF_ROLES)):
        return registration
    raise Http404


def answers_of(registration):
    """``{question pk: Answer}`` of a registration."""
    return {answer.question_id: answer for answer in registration.answers.select_related("question")}


def live_registration_of(conference, user):
    """The person's live registration in ``conference``, or ``None``."""
    return Registration.objects.live().filter(conference=conference, user=user).first()
