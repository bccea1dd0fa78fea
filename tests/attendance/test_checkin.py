"""Checking in at the venue: a scan checks a confirmed registration in once (a second scan says
when and where), an unpaid one pays at the desk first, anything that is not a current code of
this conference is "not a Flock code" whatever it was, undo leaves an audit entry, a scan queued
offline and uploaded twice counts once, and two desks scanning at the same moment record one
check-in (PostgreSQL)."""

import threading
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from attendance.enums import RegistrationState
from attendance.models import CheckIn, Registration
from attendance.services.checkin import Status, counts_by_type, pay_at_desk, scan, undo_check_in
from attendance.services.registering import register
from attendance.services.tokens import checkin_url, reissue_token, revoke_token, token_for
from cms.enums import Role
from cms.models import Conference
from cms.services.conferences import grant_role
from commerce.enums import OrderState, PaymentState, Provider
from tests.attendance.conftest import RegistrationFactory, details_of

pytestmark = pytest.mark.django_db
S = RegistrationState


@pytest.fixture
def desk_staff(conference, user_factory):
    user = user_factory(email="desk@example.org")
    grant_role(conference=conference, user=user, role=Role.CHECKIN, notify=False)
    return user


@pytest.fixture
def confirmed(conference, regular, attendee):
    return RegistrationFactory(
        conference=conference, registration_type=regular, user=attendee, code="NCIC-R0001", state=S.CONFIRMED
    )


def test_a_scan_checks_in_once_and_the_second_says_when_and_where(conference, confirmed, desk_staff):
    first = scan(conference=conference, user=desk_staff, token=checkin_url(confirmed), desk="Desk 2")
    again = scan(conference=conference, user=desk_staff, token=token_for(confirmed).upper(), desk="Desk 5")

    assert first.status == Status.CHECKED_IN and first.registration == confirmed
    assert again.status == Status.ALREADY
    assert (again.check_in.pk, again.check_in.desk) == (first.check_in.pk, "Desk 2")
    assert again.check_in.checked_in_at == CheckIn.objects.get().checked_in_at
    assert CheckIn.objects.filter(registration=confirmed, undone_at__isnull=True).count() == 1


def test_a_scan_reads_one_row_and_inserts_one(conference, confirmed, desk_staff):
    desk_staff.is_authenticated  # noqa: B018  (the user is loaded, as in a request)
    with CaptureQueriesContext(connection) as queries:
        result = scan(conference=conference, user=desk_staff, token=token_for(confirmed), desk="1")
    assert result.status == Status.CHECKED_IN
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert scan(conference=conference, user=desk_staff, token=token_for(confirmed)).status == Status.ALREADY
    assert len(queries) == 1


def test_anything_but_a_current_code_of_this_conference_is_refused_alike(
    conference, confirmed, desk_staff, regular, user_factory, make_conference_row
):
    gone = RegistrationFactory(conference=conference, registration_type=regular, state=S.CONFIRMED)
    revoked_token = token_for(gone)
    revoke_token(registration=gone, by=desk_staff)
    old = token_for(confirmed)
    reissue_token(registration=confirmed, by=desk_staff)
    other = make_conference_row(slug="other2027", acronym="OTHER 2027")
    foreign = RegistrationFactory(conference=other, registration_type=regular, state=S.CONFIRMED)
    pk, signature = token_for(confirmed).split(".")
    never = f"{int(pk, 36) + 999:x}.{signature}"
    stranger = user_factory(email="stranger@example.org")

    for text in [
        "",
        "hello",
        "https://example.org/other-thing",
        token_for(confirmed)[:-3],
        f"{pk}.{'a' * 24}",
        never,
        old,
        revoked_token,
        token_for(foreign),
    ]:
        result = scan(conference=conference, user=desk_staff, token=text)
        assert (result.status, result.registration, result.check_in) == (Status.NOT_A_CODE, None, None), text
    assert scan(conference=conference, user=stranger, token=token_for(confirmed)).status == Status.NOT_A_CODE
    assert not CheckIn.objects.exists()


def test_only_a_confirmed_registration_is_checked_in(conference, regular, desk_staff):
    cancelled = RegistrationFactory(conference=conference, registration_type=regular, state=S.CANCELLED)
    waiting = RegistrationFactory(conference=conference, registration_type=regular, state=S.AWAITING_APPROVAL)
    unpaid = RegistrationFactory(conference=conference, registration_type=regular, state=S.AWAITING_PAYMENT)
    assert scan(conference=conference, user=desk_staff, token=token_for(cancelled)).status == Status.NOT_VALID
    assert scan(conference=conference, user=desk_staff, token=token_for(waiting)).status == Status.NOT_VALID
    assert scan(conference=conference, user=desk_staff, token=token_for(unpaid)).status == Status.UNPAID
    assert not CheckIn.objects.exists()


def test_an_unpaid_attendee_pays_at_the_desk_then_is_checked_in(
    conference, regular, attendee, desk_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(
            conference=conference, user=attendee, registration_type=regular.pk, details=details_of(attendee)
        )
    assert registration.state == S.AWAITING_PAYMENT

    with django_capture_on_commit_callbacks(execute=True):
        paid = pay_at_desk(registration=registration, by=desk_staff, reference="现金 收据 0012")

    assert paid.state == S.CONFIRMED
    assert paid.order.state == OrderState.PAID
    [payment] = paid.order.payments.all()
    assert (payment.provider, payment.state, payment.amount) == (Provider.ON_SITE, PaymentState.CONFIRMED, paid.price)
    assert scan(conference=conference, user=desk_staff, token=token_for(paid)).status == Status.CHECKED_IN


def test_undo_leaves_an_audit_entry_and_allows_a_new_check_in(conference, confirmed, desk_staff):
    first = scan(conference=conference, user=desk_staff, token=token_for(confirmed), desk="A").check_in
    undo_check_in(check_in=first, by=desk_staff)

    first.refresh_from_db()
    assert first.undone_at is not None and first.undone_by == desk_staff
    entry = ModelLogEntry.objects.get(action="flock.registration.check_in_undone", object_id=str(confirmed.pk))
    assert entry.user_id == desk_staff.pk and entry.data["desk"] == "A"
    again = scan(conference=conference, user=desk_staff, token=token_for(confirmed), desk="B")
    assert again.status == Status.CHECKED_IN and again.check_in.pk != first.pk


def test_an_offline_scan_uploaded_twice_counts_once(conference, confirmed, desk_staff):
    from django.utils import timezone

    scan_id = uuid.uuid4()
    when = timezone.now() - timezone.timedelta(minutes=12)
    first = scan(
        conference=conference, user=desk_staff, token=token_for(confirmed), scan_id=scan_id, at=when, offline=True
    )
    undo_check_in(check_in=first.check_in, by=desk_staff)  # even after an undo, the same scan is not a new one
    second = scan(
        conference=conference, user=desk_staff, token=token_for(confirmed), scan_id=scan_id, at=when, offline=True
    )

    assert first.status == Status.CHECKED_IN and second.status == Status.DUPLICATE
    assert CheckIn.objects.count() == 1
    stored = CheckIn.objects.get()
    assert stored.offline and stored.checked_in_at == when


def test_an_offline_time_in_the_future_or_long_ago_is_replaced_by_now(conference, confirmed, desk_staff):
    from django.utils import timezone

    result = scan(
        conference=conference,
        user=desk_staff,
        token=token_for(confirmed),
        at=timezone.now() + timezone.timedelta(days=3),
    )
    assert abs((result.check_in.checked_in_at - timezone.now()).total_seconds()) < 60


def test_counts_by_type(conference, regular, student, desk_staff):
    people = [
        RegistrationFactory(conference=conference, registration_type=regular, state=S.CONFIRMED) for _ in range(3)
    ]
    RegistrationFactory(conference=conference, registration_type=student, state=S.CONFIRMED)
    RegistrationFactory(conference=conference, registration_type=student, state=S.CANCELLED)
    scan(conference=conference, user=desk_staff, token=token_for(people[0]))
    scan(conference=conference, user=desk_staff, token=token_for(people[1]))

    counts = {t.pk: (registered, present) for t, registered, present in counts_by_type(conference)}
    assert counts == {regular.pk: (3, 2), student.pk: (1, 0)}


def test_an_anonymous_user_checks_no_one_in(conference, confirmed):
    assert scan(conference=conference, user=AnonymousUser(), token=token_for(confirmed)).status == Status.NOT_A_CODE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_desks_scanning_the_same_code_at_the_same_moment_record_one_check_in(
    postgres_only, conference, confirmed, user_factory
):
    desks = []
    for n in range(8):
        person = user_factory(email=f"desk{n}@example.org")
        grant_role(conference=conference, user=person, role=Role.CHECKIN, notify=False)
        desks.append(person)
    token = token_for(confirmed)
    barrier = threading.Barrier(len(desks))
    results, errors = [], []

    def attempt(n, person):
        try:
            own = Conference.objects.get(pk=conference.pk)
            barrier.wait(timeout=30)
            results.append(scan(conference=own, user=person, token=token, desk=f"Desk {n}"))
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n, person)) for n, person in enumerate(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = sorted(result.status for result in results)
    assert statuses == [Status.ALREADY] * (len(desks) - 1) + [Status.CHECKED_IN]
    [winner] = [result.check_in for result in results if result.status == Status.CHECKED_IN]
    assert all(result.check_in.pk == winner.pk for result in results)
    assert all(result.check_in.desk == winner.desk for result in results)
    assert CheckIn.objects.count() == 1
    assert Registration.objects.get(pk=confirmed.pk).state == S.CONFIRMED
