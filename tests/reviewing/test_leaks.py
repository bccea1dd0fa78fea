"""Leak and robustness audit of review: what a chair of another conference, a chair who is an
author or a conflicted reviewer, a reviewer of a double-blind conference, or an organizer
reading the mail log must never reach, and malformed input that must be refused, never a 500.
Tests whose docstring says "Fixed bug" were written against a defect, fixed since."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms.enums import Role
from cms.models import EmailLog
from cms.services.conferences import grant_role
from reviewing.enums import ConflictSource, Outcome, ReviewerState
from reviewing.models import Assignment, AssignmentPlan, Conflict, Decision, Reviewer, ReviewerGroup
from reviewing.services.assignments import assign
from reviewing.services.conflicts import declare_conflict
from reviewing.services.decisions import record_decision, release_decision
from reviewing.services.invitations import send_invitation
from reviewing.services.reminders import remind_overdue
from reviewing.services.reviewers import invite_reviewer, place_in_group
from submissions.models import Topic
from submissions.services.submitting import add_file, start_submission, submit_submission
from submissions.services.windows import submission_settings_for
from tests.factories import ConferenceFactory, UserFactory
from tests.http import read_and_close
from tests.reviewing import test_chair as chair_tests
from tests.reviewing.test_chair import admin_client, submit_review, url
from tests.reviewing.test_panel import panel_client

pytestmark = pytest.mark.django_db
committee = chair_tests.committee


def lenient(user):
    """An admin client that answers 500 instead of raising, to tell a refusal from a crash."""
    client = admin_client(user)
    client.raise_request_exception = False
    return client


# --- Another conference's ids ---------------------------------------------------------------------


@pytest.fixture
def elsewhere(chair):
    """Conference B with a reviewer, a submission, a group, a conflict, an assignment, a pending
    decision and a plan, all made by B's own chair (``chair`` chairs only conference A)."""
    other = ConferenceFactory(slug="other2027", acronym="OTHER 2027", time_zone="Asia/Shanghai")
    window = submission_settings_for(other)
    window.abstract_opens_at = timezone.now() - datetime.timedelta(days=1)
    window.abstract_closes_at = timezone.now() + datetime.timedelta(days=10)
    window.save()
    b_chair = UserFactory(email="chair@other.example.org")
    grant_role(conference=other, user=b_chair, role=Role.REVIEW_CHAIR, notify=False)
    topic = Topic.objects.create(conference=other, name_zh="其他", name_en="Other", sort_order=1)
    submitter = UserFactory()
    paper = start_submission(
        conference=other,
        user=submitter,
        data={"title_zh": "乙会议稿件", "abstract": "摘要。", "topic": topic.pk},
        authors=[{"name": "zhou", "email": "zhou@b.example.org", "affiliation": ""}],
    )
    paper = submit_submission(submission=paper, user=submitter)
    reviewer = Reviewer.objects.create(
        conference=other, user=UserFactory(email="rev@review.b.example.org"), state=ReviewerState.ACCEPTED
    )
    spare = Reviewer.objects.create(
        conference=other, user=UserFactory(email="spare@b.example.org"), state=ReviewerState.ACCEPTED
    )
    group = ReviewerGroup.objects.create(conference=other, name_zh="乙组")
    conflict = Conflict.objects.create(
        conference=other, reviewer=spare, submission=paper, source=ConflictSource.EMAIL_DOMAIN
    )
    return {
        "paper": paper,
        "reviewer": reviewer,
        "group": group,
        "conflict": conflict,
        "assignment": assign(submission=paper, reviewer=reviewer, by=b_chair),
        "decision": record_decision(submission=paper, outcome=Outcome.REJECT, by=b_chair),
        "plan": AssignmentPlan.objects.create(conference=other, per_submission=1, pairs=[[paper.pk, spare.pk]]),
    }


def test_a_chair_cannot_reach_another_conferences_rows_through_their_own_screens(
    conference, committee, chair, elsewhere
):
    b = elsewhere
    mine = committee["papers"][0]
    client = admin_client(chair)
    screen = url("submission", conference, mine.pk)

    client.post(
        url("submissions", conference),
        {"action": "assign", "selected": [b["paper"].pk], "reviewers": [committee["ana"].pk]},
    )
    client.post(
        url("submissions", conference), {"action": "assign", "selected": [mine.pk], "reviewers": [b["reviewer"].pk]}
    )
    client.post(url("submissions", conference), {"action": "release", "selected": [b["paper"].pk]})
    client.post(url("decisions", conference), {"selected": [b["decision"].pk]})
    refusals = [
        client.post(screen, {"action": "unassign", "assignment": b["assignment"].pk}),
        client.post(screen, {"action": "conflict", "reviewer": b["reviewer"].pk}),
        client.post(url("groups", conference), {"group": b["group"].pk, "delete": "1"}),
        client.post(url("conflicts", conference), {"dismiss": b["conflict"].pk}),
        client.post(url("plan", conference, b["plan"].pk), {"apply": "1"}),
        client.get(url("reviewer", conference, b["reviewer"].pk)),
        client.post(reverse("review_discussion_post", args=[b["paper"].pk]), {"body": "越权"}),
        client.get(reverse("review_transfer:export", args=[conference.pk, "scores"]), {"group": b["group"].pk}),
    ]

    assert [response.status_code for response in refusals] == [404] * len(refusals)
    assert set(Assignment.objects.values_list("submission_id", "reviewer_id")) == {(b["paper"].pk, b["reviewer"].pk)}
    assert Decision.objects.get(pk=b["decision"].pk).released_at is None
    assert ReviewerGroup.objects.filter(pk=b["group"].pk).exists()
    b["conflict"].refresh_from_db()
    assert b["conflict"].dismissed_at is None and not Conflict.objects.filter(conference=conference).exists()
    assert AssignmentPlan.objects.get(pk=b["plan"].pk).applied_at is None


# --- Who must not see a submission ---------------------------------------------------------------


def test_a_chair_who_is_an_author_never_sees_the_reviews_of_their_own_submission(
    conference, committee, chair, make_submission
):
    """Fixed bug: ``conflicted_submission_ids`` only counts conflicts where the chair is a reviewer."""
    own = make_submission([("chair@example.org", "甲大学")], title="主席自己的论文")
    submit_review(assign(submission=own, reviewer=committee["ana"], by=chair), 1, comments="给作者的评语")
    client = admin_client(chair)

    table = client.get(url("submissions", conference))

    assert own not in [row.submission for row in table.context["rows"]]
    assert client.get(url("submission", conference, own.pk)).status_code == 404
    export = read_and_close(client.get(reverse("review_transfer:export", args=[conference.pk, "reviews"])))
    assert b"ana@review.example.org" not in export


def test_the_plan_preview_hides_what_the_chairs_own_conflict_hides(conference, committee, chair):
    """Fixed bug: ``PlanView`` lists every pair's submission code, the chair's conflicted ones too."""
    hidden = committee["papers"][0]
    as_reviewer = Reviewer.objects.create(conference=conference, user=chair, state=ReviewerState.ACCEPTED)
    declare_conflict(reviewer=as_reviewer, submission=hidden, source=ConflictSource.REVIEWER, by=chair)
    client = admin_client(chair)
    client.post(url("automatic", conference), {"per_submission": "1"})
    plan = AssignmentPlan.objects.get()
    assert hidden.pk in {s for s, _r in plan.pairs}

    page = client.get(url("plan", conference, plan.pk)).content.decode()

    assert hidden.code not in page
    assert committee["papers"][1].code in page


def test_the_automatic_plan_never_pairs_a_detectable_conflict(conference, chair, make_reviewer, make_submission):
    """Fixed bug: conflicts are detected only when the chair presses "detect": a plan made before (or
    after a new submission) pairs a reviewer with their colleague's or their own paper."""
    colleague = make_reviewer("chen@zju.example.edu.cn")
    other = make_reviewer("rossi@polimi.example.it")
    paper = make_submission([("wang@zju.example.edu.cn", "浙江大学")])
    own = make_submission([("rossi@polimi.example.it", "Politecnico")])
    client = admin_client(chair)

    client.post(url("automatic", conference), {"per_submission": "2"})
    client.post(url("plan", conference, AssignmentPlan.objects.get().pk), {"apply": "1"})

    pairs = set(Assignment.objects.values_list("submission_id", "reviewer_id"))
    assert (paper.pk, colleague.pk) not in pairs
    assert (own.pk, other.pk) not in pairs


# --- Double-blind --------------------------------------------------------------------------------


def _pdf_with_xmp(creator):
    import pypdf
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    xmp = DecodedStreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{creator}</dc:creator></x:xmpmeta>'.encode())
    xmp[NameObject("/Type")], xmp[NameObject("/Subtype")] = NameObject("/Metadata"), NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_double_blind_paper_loses_its_xmp_author(make_reviewer, make_submission, chair, call):
    """Fixed bug: ``anonymous_pdf`` unlinks the XMP stream from the catalogue but pypdf still writes
    the orphaned stream (dc:creator and all) into the served file."""
    call.double_blind = True
    call.save()
    reviewer = make_reviewer("reviewer@example.org")
    paper = make_submission([("li.hua@zju.example.edu.cn", "浙江大学")])
    content = _pdf_with_xmp("Li Hua, Zhejiang University")
    assert b"Li Hua" in content
    add_file(submission=paper, user=paper.submitter, uploaded=SimpleUploadedFile("paper.pdf", content))
    assignment = assign(submission=paper, reviewer=reviewer, by=chair)

    served = read_and_close(panel_client(reviewer.user).get(reverse("reviewer_panel:paper", args=[assignment.pk])))

    assert served.startswith(b"%PDF-")
    assert b"Li Hua" not in served and b"Zhejiang" not in served


def test_reminder_and_invitation_mails_to_a_double_blind_reviewer_name_no_author(
    conference, chair, make_reviewer, make_submission, call, django_capture_on_commit_callbacks
):
    call.double_blind = True
    call.save()
    reviewer = make_reviewer("late@example.org")
    paper = make_submission([("li.hua@zju.example.edu.cn", "浙江大学")], title="图神经网络")
    assign(submission=paper, reviewer=reviewer, by=chair, due_at=timezone.now() - datetime.timedelta(days=2))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        remind_overdue()
        send_invitation(reviewer=reviewer, by=chair)

    assert sorted(message.to[0] for message in mail.outbox) == ["late@example.org", "late@example.org"]
    for message in mail.outbox:
        text = message.subject + message.body + "".join(str(part[0]) for part in message.alternatives)
        for secret in ("li.hua", "浙江大学", paper.submitter.email, paper.submitter.last_name, "zju"):
            assert secret not in text
    assert any(paper.code in message.body for message in mail.outbox)


def test_group_and_reviewer_counts_leave_out_the_chairs_conflicted_submission(conference, committee, chair):
    """Fixed bug: ``GroupsView`` and ``reviewers_with_load`` counted the hidden submission."""
    ana, papers, group = committee["ana"], committee["papers"], committee["group"]
    place_in_group(group=group, submissions=papers[:2], by=chair)
    submit_review(assign(submission=papers[0], reviewer=ana, by=chair), 4)
    as_reviewer = Reviewer.objects.create(conference=conference, user=chair, state=ReviewerState.ACCEPTED)
    declare_conflict(reviewer=as_reviewer, submission=papers[0], source=ConflictSource.REVIEWER, by=chair)
    client = admin_client(chair)

    groups = client.get(url("groups", conference)).context["groups"]
    reviewers = {r.pk: r for r in client.get(url("reviewers", conference)).context["reviewers"]}

    assert [g.submission_count for g in groups] == [1]
    assert (reviewers[ana.pk].assigned, reviewers[ana.pk].done) == (0, 0)


# --- Secrets through mail ------------------------------------------------------------------------


def test_the_decision_mail_wording_cannot_print_password_hashes(conference, committee, chair):
    """Fixed bug: the wording is a full Django template over model instances: a review chair reads any
    author's password hash in the preview (and could mail it)."""
    submitter = committee["papers"][0].submitter
    client = admin_client(chair)

    client.post(url("decision_mail", conference), {"subject_en": "x", "body_en": "{{ submission.submitter.password }}"})
    page = client.get(url("decision_mail", conference)).content.decode()

    assert submitter.password not in page


def test_an_invitation_link_read_in_the_mail_log_cannot_set_the_invitees_password(conference, chair):
    """Fixed bug: the invitation mail (with its token) is logged under the conference, where its
    organizers read it; the link sets the password of an unconfirmed account and logs in."""
    organizer = UserFactory(email="organizer@example.org")
    grant_role(conference=conference, user=organizer, role=Role.ORGANIZER, notify=False)
    reviewer = invite_reviewer(conference=conference, email="victim@example.org", by=chair)
    send_invitation(reviewer=reviewer, by=chair)
    logged = EmailLog.objects.get(conference=conference, template_key="reviewing.invitation")
    assert admin_client(organizer).get(reverse("email_log:inspect", args=[logged.pk])).status_code == 200
    link = re.search(r"https?://[^/\s]+(/\S+/_review/invitation/[^/\s]+/)", logged.body_text).group(1)

    Client().post(link, {"answer": "accept", "new_password1": "Taken-0ver-pass", "new_password2": "Taken-0ver-pass"})

    reviewer.user.refresh_from_db()
    assert not reviewer.user.check_password("Taken-0ver-pass")


# --- State --------------------------------------------------------------------------------------


def test_a_resubmitted_revision_can_be_decided(conference, committee, chair):
    """Fixed bug: the released "revision" decision stays on the submission (one-to-one) and every later
    decision is refused as taken, so the resubmitted paper can never be accepted or rejected."""
    paper = committee["papers"][0]
    release_decision(decision=record_decision(submission=paper, outcome=Outcome.REVISION, by=chair), by=chair)
    paper.refresh_from_db()
    submit_submission(submission=paper, user=paper.submitter)
    client = admin_client(chair)

    response = client.post(url("submission", conference, paper.pk), {"action": "decide", "outcome": "accept_oral"})

    assert response.status_code == 302
    assert Decision.objects.get(submission=paper).outcome == Outcome.ACCEPT_ORAL


def test_a_reviewer_cannot_post_a_review_or_a_message_for_a_withdrawn_submission(committee, chair):
    from submissions.services.submitting import withdraw_submission

    paper = committee["papers"][0]
    assignment = assign(submission=paper, reviewer=committee["ana"], by=chair)
    withdraw_submission(submission=paper, user=paper.submitter)
    client = panel_client(committee["ana"].user)

    assert client.post(reverse("reviewer_panel:review", args=[assignment.pk]), {"draft": "1"}).status_code == 404
    assert client.post(reverse("reviewer_panel:discuss", args=[assignment.pk]), {"body": "还在吗"}).status_code == 404
    assert not paper.discussion_posts.exists() and not hasattr(Assignment.objects.get(pk=assignment.pk), "review")


# --- Malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("screen", "method", "data"),
    [
        ("reviewers", "post", {"resend": "abc"}),
        ("groups", "get", {"edit": "abc"}),
        ("groups", "post", {"group": "abc", "place": "1"}),
        ("conflicts", "post", {"dismiss": "abc"}),
        ("submission", "post", {"action": "unassign", "assignment": "abc"}),
        ("submission", "post", {"action": "conflict", "reviewer": "1 OR 1=1"}),
        ("submissions", "post", {"action": "group", "group": "abc", "selected": "PAPER"}),
    ],
)
def test_a_non_numeric_id_is_refused_not_a_500(conference, committee, chair, screen, method, data):
    """Fixed bug: ``get_object_or_404(..., pk=<raw POST/GET text>)`` raises ValueError (500)."""
    paper = committee["papers"][0]
    address = url(screen, conference, paper.pk) if screen == "submission" else url(screen, conference)
    data = {key: str(paper.pk) if value == "PAPER" else value for key, value in data.items()}

    response = getattr(lenient(chair), method)(address, data)

    assert response.status_code in (302, 400, 404)


def test_applying_a_plan_with_a_malformed_due_date_is_refused(conference, committee, chair):
    """Fixed bug: ``PlanView.post`` drops an invalid ``due`` silently and applies without a due date."""
    client = admin_client(chair)
    client.post(url("automatic", conference), {"per_submission": "1"})

    response = client.post(
        url("plan", conference, AssignmentPlan.objects.get().pk), {"apply": "1", "due": "2027-02-31"}
    )

    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_a_decision_mail_wording_that_cannot_render_is_refused(conference, committee, chair):
    """Fixed bug: only the syntax is checked: an ``{% include %}`` of a missing template is saved, then
    the preview answers 500 (and so would every release of a decision)."""
    client = lenient(chair)

    saved = client.post(url("decision_mail", conference), {"subject_en": "x", "body_en": '{% include "nope.txt" %}'})

    assert saved.status_code == 400
    assert client.get(url("decision_mail", conference)).status_code == 200


def test_a_huge_criterion_order_is_refused_and_saves_nothing(conference, chair):
    """Fixed bug: ``CriterionForm.sort_order`` has no upper bound: 10^11 overflows the column (500)."""
    from reviewing.services.reviews import review_form_for

    form = review_form_for(conference, "abstract")
    criterion = form.criteria.first()
    data = {"criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "1", "criteria-MAX_NUM_FORMS": "50"}
    data.update(
        {"criteria-0-id": criterion.pk, "criteria-0-label_zh": "新的", "criteria-0-scale_min": "1"}
        | {"criteria-0-scale_max": "5", "criteria-0-weight": "1", "criteria-0-sort_order": "99999999999"}
    )

    response = lenient(chair).post(reverse("review_forms:edit", args=[conference.pk, "abstract"]), data)

    assert response.status_code == 400
    assert list(form.criteria.values_list("label_zh", flat=True)) == ["创新性", "学术价值与重要性", "表述清晰度"]


def test_a_review_with_forged_scores_and_choices_is_refused_and_saves_nothing(committee, chair):
    from reviewing.services.reviews import review_form_for

    paper = committee["papers"][0]
    assignment = assign(submission=paper, reviewer=committee["ana"], by=chair)
    criteria = list(review_form_for(conference=paper.conference, phase=paper.phase).criteria.all())
    client = lenient(committee["ana"].user)
    page = reverse("reviewer_panel:review", args=[assignment.pk])
    data = {f"score_{c.pk}": "3" for c in criteria} | {"recommendation": "accept_oral", "submit": "1"}

    answers = [
        client.post(page, data | {f"score_{criteria[0].pk}": "99999999999", "confidence": "2"}),
        client.post(page, data | {f"score_{criteria[0].pk}": "3.5", "confidence": "2"}),
        client.post(page, data | {"confidence": "7"}),
        client.post(page, data | {"confidence": "2", "recommendation": "accept_everything"}),
        client.post(page, data | {"confidence": "2", "comments_to_authors": "长" * 20001}),
    ]

    assert [response.status_code for response in answers] == [400] * len(answers)
    assert not hasattr(Assignment.objects.get(pk=assignment.pk), "review")


def test_a_chair_in_conflict_cannot_post_to_the_discussion_through_the_chairs_address(committee, chair):
    paper = committee["papers"][0]
    as_reviewer = Reviewer.objects.create(conference=paper.conference, user=chair, state=ReviewerState.ACCEPTED)
    declare_conflict(reviewer=as_reviewer, submission=paper, source=ConflictSource.REVIEWER, by=chair)

    refused = admin_client(chair).post(reverse("review_discussion_post", args=[paper.pk]), {"body": "我来看看"})

    assert refused.status_code == 404
    assert not paper.discussion_posts.exists()
