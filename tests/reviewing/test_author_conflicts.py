"""The authors name the reviewers they have a conflict of interest with, on their submission's
page: only the submitter changes the list, only the conference's reviewers count, a pending
assignment of a named reviewer ends, and the list is frozen once the submission is decided."""

import pytest
from django.test import Client
from django.urls import reverse

from reviewing.enums import ConflictSource, Outcome
from reviewing.models import Assignment, Conflict, Reviewer
from reviewing.services.assignments import assign
from reviewing.services.decisions import record_decision, release_decision
from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_reviewer, make_submission, chair):
    ana = make_reviewer("ana@review.example.org")
    ana.user.first_name, ana.user.last_name, ana.user.name_zh = "Ana", "Silva", ""
    ana.user.save()
    bo = make_reviewer("bo@review.example.org")
    bo.user.name_zh = "薄一"
    bo.user.save()
    submission = make_submission([("wang@a.example.edu.cn", "甲大学"), ("co@b.example.edu.cn", "乙大学")])
    return ana, bo, submission


def detail(submission):
    return reverse(
        "submissions:detail", kwargs={"conference_slug": submission.conference.slug, "code": submission.code}
    )


def post_url(submission):
    return reverse(
        "reviewing:author_conflicts", kwargs={"conference_slug": submission.conference.slug, "code": submission.code}
    )


def test_the_submitter_names_reviewers_and_changes_the_list(case, chair):
    ana, bo, submission = case
    pending = assign(submission=submission, reviewer=bo, by=chair)
    client = Client()
    client.force_login(submission.submitter)
    page = client.get(detail(submission)).content.decode()
    assert "Ana Silva" in page and "薄一" in page
    assert "ana@review.example.org" not in page  # names only, never addresses

    client.post(post_url(submission), {"reviewers": [ana.pk, bo.pk]})
    declared = Conflict.objects.filter(submission=submission, source=ConflictSource.AUTHOR)
    assert set(declared.values_list("reviewer_id", flat=True)) == {ana.pk, bo.pk}
    assert not Assignment.objects.filter(pk=pending.pk).exists()

    client.post(post_url(submission), {"reviewers": [ana.pk]})
    assert set(declared.values_list("reviewer_id", flat=True)) == {ana.pk}
    assert f'value="{ana.pk}" checked' in client.get(detail(submission)).content.decode()


def test_nobody_else_changes_the_list_and_other_conferences_reviewers_do_not_count(case, chair):
    ana, _bo, submission = case
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.post(post_url(submission), {"reviewers": [ana.pk]}).status_code == 404
    assert Client().post(post_url(submission), {"reviewers": [ana.pk]}).status_code == 404
    foreign = Reviewer.objects.create(conference=ConferenceFactory(slug="elsewhere"), user=UserFactory())
    owner = Client()
    owner.force_login(submission.submitter)
    owner.post(post_url(submission), {"reviewers": [foreign.pk, "x"]})
    assert not Conflict.objects.filter(submission=submission).exists()


def test_the_list_is_frozen_once_decided(case, chair):
    ana, _bo, submission = case
    release_decision(decision=record_decision(submission=submission, outcome=Outcome.REJECT, by=chair), by=chair)
    owner = Client()
    owner.force_login(submission.submitter)
    assert "submission-conflicts" not in owner.get(detail(submission)).content.decode()
    owner.post(post_url(submission), {"reviewers": [ana.pk]})
    assert not Conflict.objects.filter(submission=submission).exists()
