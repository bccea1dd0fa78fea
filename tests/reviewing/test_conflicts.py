"""Conflicts of interest: detected from email domains, affiliations and co-authorship, declared
by reviewers and authors, dismissed by the chair (detected ones only), kept in step with the
data."""

import pytest
from wagtail.models import ModelLogEntry

from reviewing.enums import ConflictSource
from reviewing.exceptions import ReviewError
from reviewing.models import Conflict
from reviewing.services.conflicts import declare_conflict, detect_conflicts, dismiss_conflict

pytestmark = pytest.mark.django_db


def active(reviewer):
    return set(
        Conflict.objects.filter(reviewer=reviewer, dismissed_at__isnull=True).values_list("submission__code", "source")
    )


def test_detection_finds_domains_affiliations_and_co_authors(make_reviewer, make_submission):
    same_domain = make_submission([("wang@zju.edu.cn", "浙江大学计算机学院")])
    same_affiliation = make_submission([("li@example.org", "Fudan University")])
    written_together = make_submission([("rossi@polimi.it", "Politecnico di Milano"), ("x@example.com", "")])
    with_a_coauthor = make_submission([("rossi@polimi.it", "Politecnico di Milano")])
    unrelated = make_submission([("doe@mit.edu", "MIT")])
    reviewer = make_reviewer("chen@zju.edu.cn", affiliation="fudan  university.")
    co_reviewer = make_reviewer("x@example.com")
    webmail = make_reviewer("someone@qq.com")
    make_submission([("other@qq.com", "")])

    added, removed = detect_conflicts(conference=reviewer.conference)

    assert active(reviewer) == {
        (same_domain.code, ConflictSource.EMAIL_DOMAIN),
        (same_affiliation.code, ConflictSource.AFFILIATION),
    }
    assert active(co_reviewer) == {
        (written_together.code, ConflictSource.COAUTHOR),
        (written_together.code, ConflictSource.EMAIL_DOMAIN),
        (with_a_coauthor.code, ConflictSource.COAUTHOR),
    }
    assert active(webmail) == set()
    assert unrelated.code not in {code for code, _source in active(reviewer) | active(co_reviewer)}
    assert (added, removed) == (5, 0)
    assert detect_conflicts(conference=reviewer.conference) == (0, 0)


def test_a_dismissed_conflict_stays_dismissed_and_a_stale_one_goes(make_reviewer, make_submission, chair):
    from submissions.services.submitting import withdraw_submission

    first = make_submission([("wang@zju.edu.cn", "")])
    second = make_submission([("li@zju.edu.cn", "")])
    reviewer = make_reviewer("chen@zju.edu.cn")
    detect_conflicts(conference=reviewer.conference)
    conflict = Conflict.objects.get(reviewer=reviewer, submission=first)

    dismiss_conflict(conflict=conflict, by=chair)
    withdraw_submission(submission=second, user=second.submitter)
    detect_conflicts(conference=reviewer.conference)

    conflict.refresh_from_db()
    assert conflict.dismissed_by == chair and conflict.dismissed_at is not None
    assert active(reviewer) == set()
    assert not Conflict.objects.filter(submission=second).exists()
    entry = ModelLogEntry.objects.get(action="flock.review.conflict_dismissed")
    assert entry.user == chair and entry.object_id == str(conflict.pk)


def test_declared_conflicts_cannot_be_dismissed(make_reviewer, make_submission, chair):
    submission = make_submission([("doe@mit.edu", "MIT")])
    reviewer = make_reviewer("rev@example.org")

    conflict = declare_conflict(
        reviewer=reviewer, submission=submission, source=ConflictSource.REVIEWER, by=reviewer.user
    )
    again = declare_conflict(reviewer=reviewer, submission=submission, source=ConflictSource.REVIEWER, by=reviewer.user)

    assert again == conflict
    with pytest.raises(ReviewError):
        dismiss_conflict(conflict=conflict, by=chair)
    assert active(reviewer) == {(submission.code, ConflictSource.REVIEWER)}
