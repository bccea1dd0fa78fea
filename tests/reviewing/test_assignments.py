"""Assignments by hand, in bulk and automatically (plan, preview, apply), on the database:
conflicted pairs are never made, existing assignments are kept, loads are even."""

import pytest

from reviewing.enums import AssignmentMethod, ConflictSource
from reviewing.exceptions import ConflictOfInterest, NotReviewable, PlanOutdated, ReviewerNotActive
from reviewing.models import Assignment, ReviewerGroup
from reviewing.services.assignments import apply_plan, assign, assign_in_bulk, plan_automatic
from reviewing.services.conflicts import declare_conflict, detect_conflicts
from reviewing.services.reviewers import place_by_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(make_reviewer, make_submission, topics):
    reviewers = [make_reviewer(f"r{n}@review{n}.example.org", topics=[topics[n % 2]]) for n in range(6)]
    submissions = [
        make_submission([(f"a{n}@author{n}.example.org", f"University {n}")], topic=topics[n % 2]) for n in range(10)
    ]
    return reviewers, submissions


def pairs(conference):
    return set(Assignment.objects.filter(conference=conference).values_list("submission_id", "reviewer_id"))


def test_assigning_by_hand_refuses_conflicts_drafts_and_invited_reviewers(make_reviewer, make_submission, chair):
    reviewer = make_reviewer("rev@example.org")
    invited = make_reviewer("invited@example.org", accept=False)
    submission = make_submission([("doe@mit.edu", "MIT")])
    draft = make_submission([("doe2@mit.edu", "MIT")], submit=False)
    declare_conflict(reviewer=reviewer, submission=submission, source=ConflictSource.AUTHOR, by=submission.submitter)

    with pytest.raises(ConflictOfInterest):
        assign(submission=submission, reviewer=reviewer, by=chair)
    with pytest.raises(NotReviewable):
        assign(submission=draft, reviewer=reviewer, by=chair)
    with pytest.raises(ReviewerNotActive):
        assign(submission=submission, reviewer=invited, by=chair)
    assert Assignment.objects.count() == 0


def test_bulk_assignment_makes_the_allowed_pairs_and_reports_the_others(crowd, chair):
    reviewers, submissions = crowd
    declare_conflict(reviewer=reviewers[0], submission=submissions[0], source=ConflictSource.REVIEWER, by=chair)

    made, refused = assign_in_bulk(submissions=submissions[:2], reviewers=reviewers[:2], by=chair)

    assert len(made) == 3
    assert [(s.pk, r.pk) for s, r, _reason in refused] == [(submissions[0].pk, reviewers[0].pk)]
    assert {a.method for a in made} == {AssignmentMethod.BULK}


def test_the_automatic_plan_is_a_preview_then_applied(crowd, chair, conference):
    reviewers, submissions = crowd
    assign(submission=submissions[0], reviewer=reviewers[5], by=chair)  # kept
    declare_conflict(reviewer=reviewers[0], submission=submissions[1], source=ConflictSource.REVIEWER, by=chair)

    plan = plan_automatic(conference=conference, per_submission=3, by=chair)

    assert Assignment.objects.count() == 1  # nothing assigned by the preview
    assert plan.summary["short"] == 0 and plan.summary["load_max"] - plan.summary["load_min"] <= 1
    assert plan.summary["new"] == 10 * 3 - 1
    made = apply_plan(plan=plan, by=chair)
    assert made == 29
    final = pairs(conference)
    assert (submissions[0].pk, reviewers[5].pk) in final
    assert (submissions[1].pk, reviewers[0].pk) not in final
    per_submission = {s.pk: sum(1 for sid, _r in final if sid == s.pk) for s in submissions}
    assert set(per_submission.values()) == {3}
    loads = [sum(1 for _s, rid in final if rid == r.pk) for r in reviewers]
    assert max(loads) - min(loads) <= 1
    with pytest.raises(PlanOutdated):
        apply_plan(plan=plan, by=chair)


def test_applying_leaves_out_a_pair_that_became_conflicted(crowd, chair, conference):
    reviewers, submissions = crowd
    plan = plan_automatic(conference=conference, per_submission=1, by=chair)
    submission_id, reviewer_id = plan.pairs[0]
    reviewer = next(r for r in reviewers if r.pk == reviewer_id)
    submission = next(s for s in submissions if s.pk == submission_id)
    declare_conflict(reviewer=reviewer, submission=submission, source=ConflictSource.REVIEWER, by=reviewer.user)

    made = apply_plan(plan=plan, by=chair)

    assert made == len(plan.pairs) - 1
    assert (submission_id, reviewer_id) not in pairs(conference)


def test_a_group_plan_uses_its_own_reviewers_and_submissions(crowd, chair, conference, topics):
    reviewers, submissions = crowd
    group = ReviewerGroup.objects.create(conference=conference, name_zh="第一组")
    group.topics.add(topics[0])
    group.reviewers.add(*reviewers[:2])
    placed = place_by_topic(group=group, by=chair)

    plan = apply_plan(plan=plan_automatic(conference=conference, per_submission=2, by=chair, group=group), by=chair)

    assert placed == 5 and plan == 10
    assert {r for _s, r in pairs(conference)} == {reviewers[0].pk, reviewers[1].pk}
    assert {s for s, _r in pairs(conference)} == {s.pk for s in submissions if s.topic_id == topics[0].pk}


def test_detected_conflicts_block_the_automatic_plan(make_reviewer, make_submission, chair, conference):
    reviewer = make_reviewer("chen@zju.edu.cn")
    other = make_reviewer("rossi@polimi.it")
    submission = make_submission([("wang@zju.edu.cn", "")])
    detect_conflicts(conference=conference)

    apply_plan(plan=plan_automatic(conference=conference, per_submission=2, by=chair), by=chair)

    assert pairs(conference) == {(submission.pk, other.pk)}
    assert reviewer.pk not in {r for _s, r in pairs(conference)}


def test_assigning_by_hand_detects_the_pairs_conflict_first_and_a_dismissed_one_stays_dismissed(
    make_reviewer, make_submission, chair
):
    from reviewing.models import Conflict
    from reviewing.services.conflicts import dismiss_conflict

    colleague = make_reviewer("chen@zju.example.edu.cn")
    coauthor = make_reviewer("rossi@polimi.example.it")
    paper = make_submission([("wang@zju.example.edu.cn", "浙江大学"), ("li@pku.example.edu.cn", "北京大学")])
    make_submission([("rossi@polimi.example.it", "Politecnico"), ("li@pku.example.edu.cn", "北京大学")])

    refused = []
    for reviewer in (colleague, coauthor):
        with pytest.raises(ConflictOfInterest):
            assign(submission=paper, reviewer=reviewer, by=chair)
        refused.append(Conflict.objects.get(reviewer=reviewer, submission=paper))
    dismiss_conflict(conflict=refused[0], by=chair)
    made = assign(submission=paper, reviewer=colleague, by=chair)

    assert [conflict.source for conflict in refused] == [ConflictSource.EMAIL_DOMAIN, ConflictSource.COAUTHOR]
    assert pairs(paper.conference) == {(paper.pk, colleague.pk)} and made.reviewer == colleague
