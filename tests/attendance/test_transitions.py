"""Every change of a registration's state, legal and illegal, with its audit entry, signal and mail."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import ModelLogEntry

from attendance.enums import LIVE_STATES, REGISTRATION_TRANSITIONS, CancelCause, RegistrationState
from attendance.exceptions import IllegalTransition
from attendance.services.orders import open_order
from attendance.services.registrations import (
    approve_registration,
    cancel_refunded_registration,
    cancel_registration,
    cancel_unpaid_registration,
    confirm_registration,
    reject_registration,
    withdraw_registration,
)
from attendance.signals import registration_state_changed
from cms.models import EmailLog
from commerce.enums import OrderState
from tests.attendance.conftest import RegistrationFactory

S = RegistrationState


@pytest.fixture
def changes():
    """Signals sent, as (old state, new state)."""
    seen = []

    def receive(sender, registration, old_state, new_state, user, **kwargs):
        seen.append((old_state, new_state))

    registration_state_changed.connect(receive)
    yield seen
    registration_state_changed.disconnect(receive)


@pytest.fixture
def in_state(conference, regular, attendee):
    def make(state, **fields):
        return RegistrationFactory(
            conference=conference, registration_type=regular, user=attendee, state=state, **fields
        )

    return make


def act(name, registration, organizer):
    if name == "approve":
        return approve_registration(registration=registration, user=organizer)
    if name == "reject":
        return reject_registration(registration=registration, user=organizer, reason="名额已满")
    if name == "confirm":
        order = open_order(registration)
        return confirm_registration(registration=registration, order=order)
    if name == "withdraw":
        return withdraw_registration(registration=registration)
    if name == "cancel":
        return cancel_registration(registration=registration, user=organizer, reason="重复注册")
    if name == "cancel_unpaid":
        return cancel_unpaid_registration(registration=registration)
    if name == "cancel_refunded":
        return cancel_refunded_registration(registration=registration)
    raise AssertionError(name)


# Which service may act in which state, and the state it leads to (the paid price: > 0).
LEGAL = {
    ("approve", S.AWAITING_APPROVAL): S.AWAITING_PAYMENT,
    ("reject", S.AWAITING_APPROVAL): S.CANCELLED,
    ("confirm", S.AWAITING_PAYMENT): S.CONFIRMED,
    ("withdraw", S.AWAITING_APPROVAL): S.WITHDRAWN,
    ("withdraw", S.AWAITING_PAYMENT): S.WITHDRAWN,
    ("withdraw", S.CONFIRMED): S.WITHDRAWN,
    ("cancel", S.AWAITING_APPROVAL): S.CANCELLED,
    ("cancel", S.AWAITING_PAYMENT): S.CANCELLED,
    ("cancel", S.CONFIRMED): S.CANCELLED,
    ("cancel_unpaid", S.AWAITING_PAYMENT): S.CANCELLED,
    ("cancel_refunded", S.CONFIRMED): S.CANCELLED,
}
ACTIONS = ["approve", "reject", "confirm", "withdraw", "cancel", "cancel_unpaid", "cancel_refunded"]
CASES = [(name, state) for name in ACTIONS for state in S.values if not (name == "confirm" and state == S.CONFIRMED)]


@pytest.mark.parametrize(("name", "state"), CASES)
def test_each_service_changes_only_the_states_it_may(in_state, organizer, changes, name, state):
    registration = in_state(state)

    if (name, state) in LEGAL:
        new_state = LEGAL[(name, state)]
        assert new_state in REGISTRATION_TRANSITIONS[S(state)]
        act(name, registration, organizer)
        registration.refresh_from_db()
        assert registration.state == new_state
        assert changes == [(state, new_state)]
        assert ModelLogEntry.objects.filter(object_id=str(registration.pk), action__startswith="flock.registration.")
    else:
        with pytest.raises(IllegalTransition):
            act(name, registration, organizer)
        registration.refresh_from_db()
        assert registration.state == state
        assert changes == []


def test_the_table_lets_nothing_out_of_withdrawn_and_only_a_late_payment_out_of_cancelled():
    assert REGISTRATION_TRANSITIONS[S.WITHDRAWN] == set()
    assert REGISTRATION_TRANSITIONS[S.CANCELLED] == {S.CONFIRMED}
    assert all(REGISTRATION_TRANSITIONS[state] for state in LIVE_STATES)


def test_illegal_transition_message_is_translated(in_state):
    registration = in_state(S.WITHDRAWN)

    with translation.override("en"), pytest.raises(IllegalTransition) as caught:
        cancel_registration(registration=registration, user=None)

    assert str(caught.value.message) == "A registration that is Withdrawn cannot become Cancelled."


def test_confirming_a_confirmed_registration_changes_nothing(in_state, changes):
    registration = in_state(S.CONFIRMED)

    confirm_registration(registration=registration, order=None)

    assert changes == []


def test_approving_makes_the_order_and_mails_the_attendee(
    in_state, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    registration = in_state(S.AWAITING_APPROVAL, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        approve_registration(registration=registration, user=organizer)

    registration.refresh_from_db()
    assert (registration.order.total, registration.order.state) == (Decimal("2800.00"), OrderState.PENDING)
    assert registration.approved_at is not None
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["li.lei@example.edu.cn"], f"[NCIC 2027] Registration {registration.code} approved")
    ]
    assert registration.order.code in mailoutbox[0].body
    entry = ModelLogEntry.objects.get(object_id=str(registration.pk), action="flock.registration.approve")
    assert entry.user_id == organizer.pk


def test_approving_a_free_registration_confirms_it(in_state, organizer):
    registration = in_state(S.AWAITING_APPROVAL, price=Decimal("0.00"))

    approve_registration(registration=registration, user=organizer)

    registration.refresh_from_db()
    assert (registration.state, registration.order) == (S.CONFIRMED, None)


def test_rejecting_needs_a_reason_which_the_attendee_reads(
    in_state, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    registration = in_state(S.AWAITING_APPROVAL, language="en")

    with pytest.raises(ValidationError) as caught:
        reject_registration(registration=registration, user=organizer, reason="  ")
    assert caught.value.error_dict["reason"][0].code == "required"

    with django_capture_on_commit_callbacks(execute=True):
        reject_registration(registration=registration, user=organizer, reason="Please register as a regular delegate.")

    registration.refresh_from_db()
    assert (registration.state, registration.cancel_cause, registration.reason) == (
        S.CANCELLED,
        CancelCause.REJECTED,
        "Please register as a regular delegate.",
    )
    assert mailoutbox[0].subject == f"[NCIC 2027] Registration {registration.code} not accepted"
    assert "Reason: Please register as a regular delegate." in mailoutbox[0].body


def test_withdrawing_cancels_the_pending_order_and_mails(
    register_as, regular, mailoutbox, django_capture_on_commit_callbacks
):
    registration = register_as(regular, language="en")
    order = registration.order

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_registration(registration=registration)

    order.refresh_from_db()
    registration.refresh_from_db()
    assert (registration.state, order.state) == (S.WITHDRAWN, OrderState.CANCELLED)
    assert registration.closed_at is not None
    assert registration.order == order  # kept for the record
    keys = list(EmailLog.objects.order_by("id").values_list("template_key", flat=True))
    assert keys == ["attendance.submitted", "attendance.withdrawn"]
    assert mailoutbox[-1].subject == f"[NCIC 2027] Registration {registration.code} withdrawn"


def test_staff_cancelling_gives_the_reason(in_state, organizer, django_capture_on_commit_callbacks, mailoutbox):
    registration = in_state(S.CONFIRMED, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=registration, user=organizer, reason="Duplicate registration")

    registration.refresh_from_db()
    assert (registration.state, registration.cancel_cause) == (S.CANCELLED, CancelCause.STAFF)
    assert "Reason: Duplicate registration" in mailoutbox[0].body
    entry = ModelLogEntry.objects.get(object_id=str(registration.pk), action="flock.registration.cancel")
    assert entry.data == {"old": "confirmed", "new": "cancelled", "reason": "Duplicate registration"}
