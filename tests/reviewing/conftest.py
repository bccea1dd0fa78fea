"""Fixtures of the review tests: a bare conference with an open call for papers, two topics,
submissions by several authors and reviewers who accepted."""

import pytest

from reviewing.services.reviewers import answer_invitation, invite_reviewer
from submissions.services.submitting import start_submission, submit_submission
from tests.factories import UserFactory
from tests.submissions import conftest as shared

conference = shared.conference
call = shared.call
topics = shared.topics


@pytest.fixture
def chair(conference):
    from cms.enums import Role
    from cms.services.conferences import grant_role

    user = UserFactory(email="chair@example.org")
    grant_role(conference=conference, user=user, role=Role.REVIEW_CHAIR, notify=False)
    return user


@pytest.fixture
def make_reviewer(conference, chair):
    def make(email, *, topics=(), affiliation="", accept=True):
        user = UserFactory(email=email, affiliation=affiliation)
        reviewer = invite_reviewer(conference=conference, email=email, by=chair, topics=topics)
        assert reviewer.user == user
        return answer_invitation(reviewer=reviewer, accept=True) if accept else reviewer

    return make


@pytest.fixture
def make_submission(conference, call, topics):
    def make(authors, *, topic=None, submit=True, title="稿件"):
        submitter = UserFactory()
        submission = start_submission(
            conference=conference,
            user=submitter,
            data={"title_zh": title, "abstract": "摘要。", "topic": (topic or topics[0]).pk},
            authors=[{"name": email.split("@")[0], "email": email, "affiliation": aff} for email, aff in authors],
        )
        return submit_submission(submission=submission, user=submitter) if submit else submission

    return make
