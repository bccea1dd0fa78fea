"""Authors start, edit, submit and withdraw submissions; deadlines a minute either side in the
conference's time zone, late work, the per-person limit, and bad input that saves nothing."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from submissions.enums import LatePolicy, Phase, SubmissionState
from submissions.exceptions import DeadlinePassed, PhaseClosed, SubmissionLimitReached, SubmissionLocked
from submissions.models import Author, Submission
from submissions.services.decisions import accept_submission, reject_submission, start_review
from submissions.services.submitting import (
    start_submission,
    submit_submission,
    update_submission,
    withdraw_submission,
)
from submissions.signals import submission_created, submission_state_changed
from tests.factories import UserFactory
from tests.submissions.conftest import authors, submission_data

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def in_english():
    """The messages are asserted in English (one test checks the Chinese wording)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def start(conference, user, topic, **kwargs):
    return start_submission(conference=conference, user=user, data=submission_data(topic), authors=authors(), **kwargs)


def test_a_draft_keeps_its_authors_in_order_and_gets_a_code(call, topics, author_user):
    created = []
    submission_created.connect(lambda **kw: created.append(kw["submission"].code), weak=False, dispatch_uid="t1")
    try:
        submission = start(call.conference, author_user, topics[0])
    finally:
        submission_created.disconnect(dispatch_uid="t1")

    assert (submission.code, submission.state, submission.phase) == ("NCIC2027-0001", "draft", Phase.ABSTRACT)
    assert created == ["NCIC2027-0001"]
    assert list(submission.authors.values_list("position", "name", "presenting", "corresponding")) == [
        (1, "李华", True, True),  # nobody was marked corresponding: the first author is
        (2, "Emma Schmidt", False, False),
    ]
    assert submission.topic == topics[0]
    assert ModelLogEntry.objects.filter(object_id=str(submission.pk), action="flock.submission.create").exists()
    second = start(call.conference, author_user, topics[1])
    assert second.code == "NCIC2027-0002"


def test_the_person_who_submits_need_not_be_an_author(call, topics):
    secretary = UserFactory(email="office@lab.example.org")
    submission = start(call.conference, secretary, topics[0])
    assert submission.submitter == secretary
    assert "office@lab.example.org" not in submission.authors.values_list("email", flat=True)


def test_submitting_a_draft_records_the_time_and_signals_the_change(call, topics, author_user):
    submission = start(call.conference, author_user, topics[0])
    changes = []
    submission_state_changed.connect(
        lambda **kw: changes.append((kw["old_state"], kw["new_state"])), weak=False, dispatch_uid="t2"
    )
    try:
        submit_submission(submission=submission, user=author_user)
    finally:
        submission_state_changed.disconnect(dispatch_uid="t2")

    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.submitted_at is not None and submission.late is False
    assert changes == [("draft", "submitted")]


# Deadlines in the conference's time zone ---------------------------------------------------------


@pytest.fixture
def closes_at_midnight(call):
    """Abstracts close at 2027-03-01 00:00 in Shanghai (2027-02-28 16:00 UTC)."""
    call.abstract_opens_at = datetime.datetime(2027, 1, 1, tzinfo=SHANGHAI)
    call.abstract_closes_at = datetime.datetime(2027, 3, 1, 0, 0, tzinfo=SHANGHAI)
    call.save()
    return call


def test_a_minute_before_the_deadline_is_on_time(closes_at_midnight, topics, author_user):
    at = datetime.datetime(2027, 2, 28, 23, 59, tzinfo=SHANGHAI)
    submission = start(closes_at_midnight.conference, author_user, topics[0], at=at)
    submit_submission(submission=submission, user=author_user, at=at)
    submission.refresh_from_db()
    assert (submission.state, submission.late) == (SubmissionState.SUBMITTED, False)


def test_a_minute_after_the_deadline_is_refused_with_the_local_time(closes_at_midnight, topics, author_user):
    before = datetime.datetime(2027, 2, 28, 23, 59, tzinfo=SHANGHAI)
    submission = start(closes_at_midnight.conference, author_user, topics[0], at=before)
    after = datetime.datetime(2027, 3, 1, 0, 1, tzinfo=SHANGHAI)

    with pytest.raises(DeadlinePassed) as refused:
        submit_submission(submission=submission, user=author_user, at=after)
    assert "2027-03-01 00:00 (Asia/Shanghai)" in str(refused.value.message)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT
    with pytest.raises(DeadlinePassed):
        start(closes_at_midnight.conference, author_user, topics[0], at=after)
    assert Submission.objects.count() == 1


def test_the_deadline_message_is_in_the_authors_language(closes_at_midnight, topics, author_user):
    from django.utils import translation

    after = datetime.datetime(2027, 3, 1, 0, 1, tzinfo=SHANGHAI)
    with translation.override("zh-hans"), pytest.raises(DeadlinePassed) as refused:
        start(closes_at_midnight.conference, author_user, topics[0], at=after)
    assert str(refused.value.message) == "摘要投稿已于 2027-03-01 00:00（Asia/Shanghai）截止。"


def test_late_work_is_accepted_without_a_notice_when_the_organizer_says_so(closes_at_midnight, topics, author_user):
    closes_at_midnight.late_policy = LatePolicy.ACCEPT_SILENTLY
    closes_at_midnight.save()
    after = datetime.datetime(2027, 3, 1, 0, 1, tzinfo=SHANGHAI)

    submission = start(closes_at_midnight.conference, author_user, topics[0], at=after)
    submit_submission(submission=submission, user=author_user, at=after)

    submission.refresh_from_db()
    assert (submission.state, submission.late) == (SubmissionState.SUBMITTED, True)


def test_nothing_is_taken_before_the_phase_opens_or_when_it_is_off(call, topics, author_user):
    call.abstract_opens_at = datetime.datetime(2027, 1, 1, 9, 0, tzinfo=SHANGHAI)
    call.save()
    with pytest.raises(PhaseClosed) as early:
        start(call.conference, author_user, topics[0], at=datetime.datetime(2027, 1, 1, 8, 59, tzinfo=SHANGHAI))
    assert "2027-01-01 09:00 (Asia/Shanghai)" in str(early.value.message)
    call.abstract_enabled = False
    call.save()
    with pytest.raises(PhaseClosed):
        start(call.conference, author_user, topics[0])
    assert not Submission.objects.exists()


# The per-person limit --------------------------------------------------------------------------


def test_the_limit_per_person_counts_all_but_withdrawn_submissions(call, topics, author_user):
    call.max_per_person = 2
    call.save()
    first = start(call.conference, author_user, topics[0])
    start(call.conference, author_user, topics[1])

    with pytest.raises(SubmissionLimitReached) as refused:
        start(call.conference, author_user, topics[0])
    assert "limit of 2 submissions" in str(refused.value.message)

    withdraw_submission(submission=first, user=author_user)
    third = start(call.conference, author_user, topics[0])
    assert third.code == "NCIC2027-0003"
    other = UserFactory(email="someone.else@example.org")
    start(call.conference, other, topics[0])  # the limit is per person
    assert Submission.objects.counted().filter(submitter=author_user).count() == 2


# Editing until the decision --------------------------------------------------------------------


def test_the_author_edits_fields_and_authors_until_the_final_decision(call, topics, author_user):
    submission = start(call.conference, author_user, topics[0])
    submit_submission(submission=submission, user=author_user)
    start_review(submission=submission)

    update_submission(
        submission=submission,
        user=author_user,
        data={"title_en": "Distilling large models", "topic": topics[1].pk},
        authors=authors(3),
    )
    submission.refresh_from_db()
    assert (submission.title_en, submission.topic) == ("Distilling large models", topics[1])
    assert submission.authors.count() == 3
    entry = ModelLogEntry.objects.filter(object_id=str(submission.pk), action="wagtail.edit").get()
    assert entry.data["fields"] == ["title_en", "topic", "authors"]

    accept_submission(submission=submission, presentation="poster")
    with pytest.raises(SubmissionLocked):
        update_submission(submission=submission, user=author_user, data={"title_en": "Too late"})
    with pytest.raises(SubmissionLocked):
        withdraw_submission(submission=submission, user=author_user)
    submission.refresh_from_db()
    assert (submission.title_en, submission.state) == ("Distilling large models", SubmissionState.ACCEPTED_POSTER)


def test_withdrawal_at_any_time_before_the_decision(call, topics, author_user):
    for setup in ([], [submit_submission], [submit_submission, start_review]):
        submission = start(call.conference, author_user, topics[0])
        for step in setup:
            kwargs = {"submission": submission}
            if step is submit_submission:
                kwargs["user"] = author_user
            step(**kwargs)
        withdraw_submission(submission=submission, user=author_user)
        submission.refresh_from_db()
        assert submission.state == SubmissionState.WITHDRAWN and submission.withdrawn_at is not None

    rejected = start(call.conference, author_user, topics[0])
    submit_submission(submission=rejected, user=author_user)
    reject_submission(submission=rejected)
    with pytest.raises(SubmissionLocked):
        withdraw_submission(submission=rejected, user=author_user)


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title_zh": "", "title_en": ""}, "title_zh", "required"),
        ({"title_en": "x" * 5000}, "title_en", "max_length"),
        ({"abstract": "  "}, "abstract", "required"),
        ({"abstract": "长" * 5001}, "abstract", "max_length"),
        ({"topic": ""}, "topic", "required"),
        ({"topic": "999999"}, "topic", "invalid_choice"),
        ({"topic": "1; DROP TABLE"}, "topic", "invalid_choice"),
        ({"presentation_preference": "keynote"}, "presentation_preference", "invalid_choice"),
    ],
)
def test_bad_fields_get_a_message_and_nothing_is_saved(call, topics, author_user, changes, field, code):
    with pytest.raises(ValidationError) as refused:
        start_submission(
            conference=call.conference, user=author_user, data=submission_data(topics[0], **changes), authors=authors()
        )
    assert refused.value.error_dict[field][0].code == code
    assert not Submission.objects.exists() and not Author.objects.exists()


def test_a_topic_of_another_conference_is_refused(call, topics, author_user):
    from submissions.models import Topic
    from tests.factories import ConferenceFactory

    elsewhere = Topic.objects.create(conference=ConferenceFactory(slug="other"), name_zh="其他")
    with pytest.raises(ValidationError) as refused:
        start_submission(
            conference=call.conference, user=author_user, data=submission_data(elsewhere), authors=authors()
        )
    assert refused.value.error_dict["topic"][0].code == "invalid_choice"


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ([], "Please name at least one author."),
        ([{"name": "", "email": "a@example.org"}], "Author 1: please give the name."),
        ([{"name": "A", "email": "not-an-email"}], "Author 1: please give a valid email address."),
        ([{"name": "A", "email": "a@example.org", "country": "XX"}], "Author 1: please choose a country"),
        (
            [{"name": "A", "email": "a@example.org"}, {"name": "B", "email": "A@example.org"}],
            "Each author needs their own email address.",
        ),
        ([{"name": f"A{n}", "email": f"a{n}@example.org"} for n in range(300)], "At most 30 authors."),
    ],
)
def test_bad_authors_get_a_message_and_nothing_is_saved(call, topics, author_user, people, message):
    with pytest.raises(ValidationError) as refused:
        start_submission(conference=call.conference, user=author_user, data=submission_data(topics[0]), authors=people)
    assert any(message in str(error) for error in refused.value.error_dict["authors"])
    assert not Submission.objects.exists() and not Author.objects.exists()


def test_a_failed_edit_changes_nothing(call, topics, author_user):
    submission = start(call.conference, author_user, topics[0])
    with pytest.raises(ValidationError):
        update_submission(
            submission=submission,
            user=author_user,
            data={"title_en": "New title"},
            authors=[{"name": "", "email": "x@example.org"}],
        )
    submission.refresh_from_db()
    assert submission.title_en == "Knowledge distillation for large models"
    assert submission.authors.count() == 2
