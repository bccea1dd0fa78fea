"""The review chair's screens: who reaches them, progress per group, reviewers and invitations,
groups, conflicts, assignment by hand, in bulk and automatically (plan, preview, apply), the
scores table, decisions recorded and released, and a chair who also reviews never seeing what
their own conflicts hide."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.enums import Role
from cms.services.conferences import grant_role
from reviewing.enums import AssignmentMethod, ConflictSource, ReviewerState
from reviewing.models import Assignment, AssignmentPlan, Conflict, Decision, Reviewer, ReviewerGroup
from reviewing.services.assignments import assign
from reviewing.services.conflicts import declare_conflict, detect_conflicts
from reviewing.services.reviewers import place_in_group
from reviewing.services.reviews import review_form_for, save_review
from submissions.enums import SubmissionState
from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_client(user, language="zh-hans"):
    from wagtail.users.models import UserProfile

    user.is_active = True
    user.save(update_fields=["is_active"])
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(user)
    return client


def url(name, conference, *args):
    return reverse(f"review_chair:{name}", args=[conference.pk, *args])


def submit_review(assignment, value, recommendation="accept_poster", comments="写得很好。"):
    submission = assignment.submission
    criteria = review_form_for(submission.conference, submission.phase).criteria.all()
    return save_review(
        assignment=assignment,
        user=assignment.reviewer.user,
        scores={criterion.pk: value for criterion in criteria},
        recommendation=recommendation,
        confidence=2,
        comments_to_authors=comments,
        submit=True,
    )


@pytest.fixture
def committee(make_reviewer, make_submission, chair, topics):
    """Two reviewers, three submitted papers (two on the first topic), one group taking it."""
    ana = make_reviewer("ana@review.example.org", topics=[topics[0]])
    bo = make_reviewer("bo@review.example.org", topics=[topics[1]])
    papers = [
        make_submission([("wang@a.example.edu.cn", "甲大学")], title="论文一", topic=topics[0]),
        make_submission([("zhao@b.example.edu.cn", "乙大学")], title="论文二", topic=topics[0]),
        make_submission([("qian@c.example.edu.cn", "丙大学")], title="论文三", topic=topics[1]),
    ]
    group = ReviewerGroup.objects.create(conference=papers[0].conference, name_zh="机器学习组", name_en="ML")
    group.reviewers.add(ana, bo)
    group.topics.add(topics[0])
    return {"ana": ana, "bo": bo, "papers": papers, "group": group}


def test_only_the_conference_chairs_reach_the_screens(conference, committee, chair):
    other = ConferenceFactory(slug="other2027", acronym="OTHER 2027")
    outsider = UserFactory(email="chair@other.example.org")
    grant_role(conference=other, user=outsider, role=Role.REVIEW_CHAIR, notify=False)
    reviewer = committee["ana"].user
    paper = committee["papers"][0]
    screens = [url("overview", conference), url("submissions", conference), url("submission", conference, paper.pk)]
    screens += [url(name, conference) for name in ("reviewers", "groups", "conflicts", "automatic", "decisions")]

    anonymous = Client().get(screens[0])
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    for screen in screens:
        assert admin_client(outsider).get(screen).status_code == 404, screen
        refused = admin_client(reviewer).get(screen)  # the admin's "no permission" bounce
        assert (refused.status_code, refused.get("Location")) == (302, "/admin/"), screen
        assert admin_client(chair).get(screen).status_code == 200, screen
    assert admin_client(outsider).post(url("decisions", conference), {"all": "1"}).status_code == 404


def test_a_chair_of_one_conference_goes_straight_to_it_and_the_menu_shows_review(conference, chair):
    client = admin_client(chair, "en")
    response = client.get(reverse("review_chair:index"))
    assert response.status_code == 302 and response["Location"] == url("overview", conference)
    assert "/admin/reviewing/" in client.get("/admin/").content.decode()  # the menu's data
    plain = admin_client(UserFactory(email="editor@example.org", is_superuser=False))
    assert plain.get(reverse("review_chair:index")).status_code in (302, 403)


def test_progress_counts_assigned_done_and_overdue_per_group(conference, committee, chair):
    ana, bo, papers, group = committee["ana"], committee["bo"], committee["papers"], committee["group"]
    place_in_group(group=group, submissions=papers[:2], by=chair)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    done = assign(submission=papers[0], reviewer=ana, by=chair, due_at=yesterday)
    assign(submission=papers[0], reviewer=bo, by=chair, due_at=yesterday)
    assign(submission=papers[1], reviewer=ana, by=chair, due_at=timezone.now() + datetime.timedelta(days=3))
    assign(submission=papers[2], reviewer=bo, by=chair, due_at=yesterday)
    submit_review(done, 4)

    response = admin_client(chair).get(url("overview", conference))
    groups, total = response.context["groups"], response.context["total"]
    ml = groups[0]
    assert (ml.group, ml.submissions, ml.assigned, ml.done, ml.overdue) == (group, 2, 3, 1, 1)
    ungrouped = groups[1]
    assert (ungrouped.group, ungrouped.submissions, ungrouped.assigned, ungrouped.overdue) == (None, 1, 1, 1)
    assert (total.submissions, total.assigned, total.done, total.overdue) == (3, 4, 1, 2)
    page = response.content.decode()
    assert "机器学习组" in page
    for link in (
        reverse("review_transfer:export", args=[conference.pk, "scores"]),
        reverse("review_transfer:import", args=[conference.pk]),
        reverse("review_forms:edit", args=[conference.pk, "full_paper"]),
    ):
        assert link in page


def test_inviting_reviewers_by_mail_reports_bad_addresses_and_saves_nothing(
    conference, chair, topics, django_capture_on_commit_callbacks
):
    client = admin_client(chair)
    bad = client.post(url("reviewers", conference), {"emails": "ok@x.example.org, not-an-address", "language": "en"})
    assert bad.status_code == 400
    assert "not-an-address" in bad.content.decode()
    assert not Reviewer.objects.filter(conference=conference).exists()

    UserFactory(email="known@y.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("reviewers", conference),
            {
                "emails": "new.person@x.example.org\nknown@y.example.org",
                "language": "en",
                "topics": [topics[1].pk],
                "send_mail": "on",
            },
        )
    assert response.status_code == 302
    reviewers = Reviewer.objects.filter(conference=conference).order_by("user__email")
    assert [(r.user.email, r.state) for r in reviewers] == [
        ("known@y.example.org", ReviewerState.INVITED),
        ("new.person@x.example.org", ReviewerState.INVITED),
    ]
    assert all(list(r.topics.all()) == [topics[1]] for r in reviewers)
    assert sorted(m.to[0] for m in mail.outbox) == ["known@y.example.org", "new.person@x.example.org"]


def test_a_chair_sets_a_reviewers_topics_and_groups(conference, committee, chair, topics):
    ana, group = committee["ana"], committee["group"]
    response = admin_client(chair).post(url("reviewer", conference, ana.pk), {"topics": [topics[1].pk], "groups": []})
    assert response.status_code == 302
    assert list(ana.topics.all()) == [topics[1]]
    assert not ana.groups.exists()
    assert ModelLogEntry.objects.filter(action="flock.review.reviewer_changed", object_id=str(ana.pk)).exists()
    assert not group.reviewers.filter(pk=ana.pk).exists()


def test_groups_are_made_and_filled_by_their_topic_rule(conference, committee, chair, topics):
    client = admin_client(chair)
    response = client.post(
        url("groups", conference),
        {"name_zh": "知识图谱组", "name_en": "KG", "reviewers": [committee["bo"].pk], "topics": [topics[1].pk]},
    )
    assert response.status_code == 302
    group = ReviewerGroup.objects.get(name_zh="知识图谱组")
    assert list(group.reviewers.all()) == [committee["bo"]]

    client.post(url("groups", conference), {"group": group.pk, "place": "1"})
    assert [p.submission for p in group.placements.all()] == [committee["papers"][2]]

    empty = client.post(url("groups", conference), {"name_zh": "", "name_en": "x"})
    assert empty.status_code == 400
    assert ReviewerGroup.objects.filter(conference=conference).count() == 2


def test_detected_conflicts_are_dismissed_with_an_audit_entry_and_declared_ones_are_not(
    conference, make_reviewer, make_submission, chair
):
    reviewer = make_reviewer("colleague@zju.example.edu.cn", affiliation="浙江大学")
    paper = make_submission([("author@zju.example.edu.cn", "浙江大学")])
    detect_conflicts(conference=conference)
    detected = Conflict.objects.get(reviewer=reviewer, submission=paper, source=ConflictSource.EMAIL_DOMAIN)
    declared = declare_conflict(reviewer=reviewer, submission=paper, source=ConflictSource.REVIEWER, by=reviewer.user)
    client = admin_client(chair)

    page = client.get(url("conflicts", conference)).content.decode()
    assert paper.code in page and "colleague@zju.example.edu.cn" in page

    client.post(url("conflicts", conference), {"dismiss": detected.pk})
    detected.refresh_from_db()
    assert detected.dismissed_at is not None and detected.dismissed_by == chair
    assert ModelLogEntry.objects.filter(action="flock.review.conflict_dismissed", object_id=str(detected.pk)).exists()

    refused = client.post(url("conflicts", conference), {"dismiss": declared.pk}, follow=True)
    declared.refresh_from_db()
    assert declared.dismissed_at is None
    assert "不能" in refused.content.decode() or "cannot" in refused.content.decode()


def test_assigning_by_hand_with_a_due_date_and_taking_back(conference, committee, chair):
    ana, paper = committee["ana"], committee["papers"][0]
    client = admin_client(chair)
    screen = url("submission", conference, paper.pk)
    response = client.post(screen, {"action": "assign", "reviewers": [ana.pk], "due": "2027-03-01"})
    assert response.status_code == 302
    assignment = Assignment.objects.get(submission=paper, reviewer=ana)
    assert assignment.method == AssignmentMethod.MANUAL
    assert assignment.due_at.astimezone(conference.tz).strftime("%Y-%m-%d %H:%M") == "2027-03-01 23:59"

    submit_review(assignment, 4)
    refused = client.post(screen, {"action": "unassign", "assignment": assignment.pk}, follow=True)
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert "ana@review.example.org" in refused.content.decode()

    from reviewing.services.discussion import post_message

    post_message(submission=paper, user=ana.user, body="我认为实验部分还需要补充。")
    page = client.get(screen).content.decode()
    assert "我认为实验部分还需要补充。" in page and reverse("review_discussion_post", args=[paper.pk]) in page

    other = assign(submission=paper, reviewer=committee["bo"], by=chair)
    client.post(screen, {"action": "unassign", "assignment": other.pk})
    assert not Assignment.objects.filter(pk=other.pk).exists()


def test_a_conflicted_reviewer_is_not_offered_and_bulk_assignment_reports_the_refusal(conference, committee, chair):
    ana, bo, papers = committee["ana"], committee["bo"], committee["papers"]
    declare_conflict(reviewer=bo, submission=papers[0], source=ConflictSource.AUTHOR, by=chair)
    client = admin_client(chair)
    offered = client.get(url("submission", conference, papers[0].pk)).context["assign_form"]
    assert list(offered.fields["reviewers"].queryset) == [ana]

    response = client.post(
        url("submissions", conference),
        {"action": "assign", "selected": [papers[0].pk, papers[1].pk], "reviewers": [ana.pk, bo.pk]},
        follow=True,
    )
    pairs = set(Assignment.objects.values_list("submission_id", "reviewer_id"))
    assert pairs == {(papers[0].pk, ana.pk), (papers[1].pk, ana.pk), (papers[1].pk, bo.pk)}
    assert f"{papers[0].code} → {bo}" in response.content.decode()


def test_the_table_aggregates_scores_flags_disagreement_and_filters(conference, committee, chair):
    ana, bo, papers = committee["ana"], committee["bo"], committee["papers"]
    submit_review(assign(submission=papers[0], reviewer=ana, by=chair), 5, "accept_oral")
    submit_review(assign(submission=papers[0], reviewer=bo, by=chair), 1, "reject")
    submit_review(assign(submission=papers[1], reviewer=ana, by=chair), 4)
    client = admin_client(chair)

    rows = {row.submission.code: row for row in client.get(url("submissions", conference)).context["rows"]}
    first = rows[papers[0].code].summary
    assert (first["count"], first["mean"], first["weighted"], first["spread"], first["disagree"]) == (
        2,
        50,
        50,
        100,
        True,
    )
    assert rows[papers[1].code].summary["weighted"] == 75
    assert rows[papers[2].code].summary["count"] == 0

    flagged = client.get(url("submissions", conference), {"flag": "disagree"}).context["rows"]
    assert [row.submission for row in flagged] == [papers[0]]
    by_score = client.get(url("submissions", conference), {"sort": "score"}).context["rows"]
    assert [row.submission for row in by_score] == [papers[1], papers[0], papers[2]]
    searched = client.get(url("submissions", conference), {"q": "论文三"}).context["rows"]
    assert [row.submission for row in searched] == [papers[2]]


def test_the_table_runs_the_same_queries_for_few_and_many_submissions(
    conference, committee, chair, make_submission, make_reviewer
):
    client = admin_client(chair)
    ana = committee["ana"]

    def count():
        client.get(url("submissions", conference))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("submissions", conference))
        return len(queries), response

    submit_review(assign(submission=committee["papers"][0], reviewer=ana, by=chair), 3)
    few, _response = count()
    for n in range(6):
        paper = make_submission([(f"p{n}@d.example.org", "")], title=f"更多{n}")
        submit_review(assign(submission=paper, reviewer=ana, by=chair), 2)
    many, response = count()
    assert few == many
    assert len(response.context["rows"]) == 9


def test_decisions_are_recorded_pending_then_released_with_mail(
    conference, committee, chair, django_capture_on_commit_callbacks
):
    ana, papers = committee["ana"], committee["papers"]
    submit_review(assign(submission=papers[0], reviewer=ana, by=chair), 5, comments="实验充分，建议接收。")
    client = admin_client(chair)
    client.post(
        url("submissions", conference), {"action": "decide", "outcome": "accept_oral", "selected": [papers[0].pk]}
    )
    client.post(url("submissions", conference), {"action": "decide", "outcome": "reject", "selected": [papers[1].pk]})
    decisions = {d.submission_id: d for d in Decision.objects.all()}
    assert decisions[papers[0].pk].outcome == "accept_oral" and decisions[papers[0].pk].released_at is None
    papers[0].refresh_from_db()
    assert papers[0].state == SubmissionState.SUBMITTED
    assert not mail.outbox

    twice = client.post(
        url("submission", conference, papers[1].pk), {"action": "decide", "outcome": "accept_poster", "note": ""}
    )
    assert twice.status_code == 409
    assert Decision.objects.get(submission=papers[1]).outcome == "reject"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("decisions", conference), {"selected": [decisions[papers[0].pk].pk]})
    papers[0].refresh_from_db()
    papers[1].refresh_from_db()
    assert papers[0].state == SubmissionState.ACCEPTED_ORAL
    assert papers[1].state == SubmissionState.SUBMITTED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([papers[0].submitter.email, "wang@a.example.edu.cn"])
    assert all(papers[0].code in m.body and "实验充分，建议接收。" in m.body for m in mail.outbox)

    client.post(url("decisions", conference), {"all": "1"})
    papers[1].refresh_from_db()
    assert papers[1].state == SubmissionState.REJECTED
    assert Decision.objects.filter(released_at__isnull=True).count() == 0


def test_a_decision_on_a_withdrawn_submission_is_refused(conference, committee, chair):
    from submissions.services.submitting import withdraw_submission

    paper = committee["papers"][2]
    withdraw_submission(submission=paper, user=paper.submitter)
    response = admin_client(chair).post(
        url("submission", conference, paper.pk), {"action": "decide", "outcome": "accept_oral"}
    )
    assert response.status_code == 409
    assert not Decision.objects.filter(submission=paper).exists()


def test_the_automatic_plan_is_previewed_then_applied(conference, committee, chair, make_reviewer):
    make_reviewer("cai@review.example.org")
    client = admin_client(chair)
    response = client.post(url("automatic", conference), {"per_submission": "2", "group": ""})
    plan = AssignmentPlan.objects.get()
    assert response["Location"] == url("plan", conference, plan.pk)
    assert not Assignment.objects.exists()
    preview = client.get(url("plan", conference, plan.pk))
    assert preview.context["plan"].summary["new"] == 6
    assert sum(count for _reviewer, count in preview.context["loads"]) == 6
    assert committee["papers"][0].code in preview.content.decode()

    client.post(url("plan", conference, plan.pk), {"apply": "1", "due": "2027-02-01"})
    assignments = Assignment.objects.all()
    assert assignments.count() == 6
    assert {a.method for a in assignments} == {AssignmentMethod.AUTOMATIC}
    assert all(a.due_at.astimezone(conference.tz).date() == datetime.date(2027, 2, 1) for a in assignments)
    loads = sorted(Assignment.objects.filter(reviewer=r).count() for r in Reviewer.objects.all())
    assert loads == [2, 2, 2]

    again = client.post(url("plan", conference, plan.pk), {"apply": "1"}, follow=True)
    assert Assignment.objects.count() == 6
    assert "已" in again.content.decode() or "already" in again.content.decode()


def test_a_dropped_plan_assigns_nothing(conference, committee, chair):
    client = admin_client(chair)
    client.post(url("automatic", conference), {"per_submission": "1"})
    plan = AssignmentPlan.objects.get()
    client.post(url("plan", conference, plan.pk), {"drop": "1"})
    assert not AssignmentPlan.objects.exists() and not Assignment.objects.exists()


def test_a_chair_who_also_reviews_never_sees_what_their_conflict_hides(conference, committee, chair, make_reviewer):
    papers = committee["papers"]
    as_reviewer = Reviewer.objects.create(conference=conference, user=chair, state=ReviewerState.ACCEPTED)
    declare_conflict(reviewer=as_reviewer, submission=papers[0], source=ConflictSource.REVIEWER, by=chair)
    submit_review(assign(submission=papers[0], reviewer=committee["ana"], by=chair), 5, comments="秘密的评语")
    client = admin_client(chair)

    table = client.get(url("submissions", conference))
    assert papers[0] not in [row.submission for row in table.context["rows"]]
    assert papers[0].code not in table.content.decode()
    assert client.get(url("submission", conference, papers[0].pk)).status_code == 404
    for name in ("overview", "conflicts", "decisions", "reviewers"):
        page = client.get(url(name, conference)).content.decode()
        assert "秘密的评语" not in page and papers[0].code not in page, name
    assert client.get(url("overview", conference)).context["total"].submissions == 2


def test_the_decision_mail_wording_is_set_per_conference_checked_and_previewed(
    conference, committee, chair, django_capture_on_commit_callbacks
):
    from cms.models import EmailTemplate

    paper = committee["papers"][0]
    client = admin_client(chair)
    screen = url("decision_mail", conference)
    broken = client.post(screen, {"subject_zh": "关于 {% if submission %}", "body_zh": "正文"})
    half = client.post(screen, {"subject_en": "Decision", "body_en": ""})
    assert broken.status_code == half.status_code == 400
    assert not EmailTemplate.objects.filter(conference=conference).exists()

    saved = client.post(
        screen,
        {
            "subject_zh": "【{{ conference.acronym }}】{{ submission.code }} 的录用结果",
            "body_zh": "作者您好：{{ submission.title }} —— {{ decision.get_outcome_display }}。{% for c in comments %}[{{ c }}]{% endfor %}",
        },
    )
    assert saved.status_code == 302
    preview = client.get(screen)
    assert "的录用结果" in preview.content.decode() and paper.code in preview.content.decode()

    submit_review(assign(submission=paper, reviewer=committee["ana"], by=chair), 5, comments="很好")
    client.post(url("submission", conference, paper.pk), {"action": "decide", "outcome": "accept_oral"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("submission", conference, paper.pk), {"action": "release"})
    sent = [m for m in mail.outbox if m.to[0] == "wang@a.example.edu.cn"][0]
    assert sent.subject == f"【NCIC 2027】{paper.code} 的录用结果"
    outcome = Decision.objects.get(submission=paper).get_outcome_display()
    assert f"作者您好：论文一 —— {outcome}。[很好]" in sent.body
