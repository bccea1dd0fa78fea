"""Demo review of NCIC 2027: a review chair, six reviewers (three reading in Chinese, three in
English) who accepted their invitations, two reviewer groups filled by their topic rule,
conflicts detected, the automatic assignment (two reviewers per submission) applied, reviews in
both languages for the submissions under review (a few overdue, a few drafts), three released
decisions and two pending ones.

Everything goes through the services; a second run adds nothing.
"""

import datetime
import random

from django.utils import timezone

from cms.demo import DEMO_PASSWORD, register_seeder
from cms.enums import Language, Role
from cms.models import User
from cms.services.conferences import grant_role
from reviewing.enums import Outcome, Recommendation
from reviewing.models import Assignment, ReviewerGroup
from reviewing.services.assignments import apply_plan, plan_automatic
from reviewing.services.conflicts import detect_conflicts
from reviewing.services.decisions import record_decision, release_decision
from reviewing.services.reviewers import answer_invitation, invite_reviewer, place_by_topic
from reviewing.services.reviews import review_form_for, save_review
from submissions.enums import SubmissionState
from submissions.models import Submission, Topic

__all__ = ["register_seeder", "seed_reviewing"]  # apps.py registers the seeder with one import

SEED = 2029
CHAIR = {"email": "chair@ncic2027.flock.example", "first_name": "Min", "last_name": "Zhou", "name_zh": "周敏"}
# email, given and family name, Chinese name, affiliation, language, topics (by position)
REVIEWERS = [
    ("liu.yang@review.flock.example", "Yang", "Liu", "刘洋", "清华大学", Language.CHINESE, (0, 2)),
    ("chen.jing@review.flock.example", "Jing", "Chen", "陈静", "北京大学", Language.CHINESE, (1, 3)),
    ("wu.lei@review.flock.example", "Lei", "Wu", "吴磊", "中国科学院自动化研究所", Language.CHINESE, (4, 5, 0)),
    ("anna.schmidt@review.flock.example", "Anna", "Schmidt", "", "ETH Zürich", Language.ENGLISH, (0, 1)),
    ("james.miller@review.flock.example", "James", "Miller", "", "University of Edinburgh", Language.ENGLISH, (2, 3)),
    ("sofia.rossi@review.flock.example", "Sofia", "Rossi", "", "Politecnico di Milano", Language.ENGLISH, (5, 4, 1)),
]
GROUPS = [
    ("机器学习与视觉组", "Machine learning and vision", (0, 2)),
    ("语言、知识与应用组", "Language, knowledge and applications", (1, 3, 4, 5)),
]
COMMENTS = {
    Language.CHINESE: [
        ("选题有意义，实验较充分，建议补充与最新基线方法的对比。", "创新性一般，但工程价值较高。"),
        ("论文结构清晰，但消融实验不足，结论的普适性有待验证。", "建议作为墙报交流。"),
        ("方法新颖，理论分析严谨，写作质量高。", "推荐口头报告。"),
    ],
    Language.ENGLISH: [
        ("A solid contribution; please compare with the most recent baselines.", "Incremental but useful."),
        ("The ablation study is thin and the claims are broader than the evidence.", "Borderline."),
        ("Novel, well argued and clearly written.", "A strong candidate for an oral slot."),
    ],
}


def seed_reviewing(context):
    conference = context.conferences["ncic2027"]
    chair = _account(CHAIR, Language.CHINESE)
    grant_role(conference=conference, user=chair, role=Role.REVIEW_CHAIR, notify=False)
    context.logins.append(("Review chair (中文)", chair.email))
    context.logins.append(("Reviewer (English)", REVIEWERS[3][0]))
    context.logins.append(("Reviewer (中文)", REVIEWERS[0][0]))
    if ReviewerGroup.objects.filter(conference=conference).exists():
        return
    topics = list(Topic.objects.filter(conference=conference).order_by("sort_order", "pk"))
    if len(topics) < 6 or not Submission.objects.filter(conference=conference).exists():
        return  # the submissions demo provides the topics and the submissions
    reviewers = _reviewers(conference, chair, topics)
    for name_zh, name_en, positions in GROUPS:
        group = ReviewerGroup.objects.create(conference=conference, name_zh=name_zh, name_en=name_en)
        group.topics.set([topics[n] for n in positions])
        group.reviewers.set([r for r in reviewers if set(r.topics.all()) & set(group.topics.all())])
        place_by_topic(group=group, by=chair)
    detect_conflicts(conference=conference)
    due = timezone.now() + datetime.timedelta(days=14)
    for group in ReviewerGroup.objects.filter(conference=conference):
        plan = plan_automatic(conference=conference, per_submission=2, group=group, by=chair)
        apply_plan(plan=plan, by=chair, due_at=due)
    _reviews(conference, random.Random(SEED))  # noqa: S311 - a demo, the same every run
    _decisions(conference, chair)


def _account(fields, language, affiliation=""):
    user = User.objects.filter(email=fields["email"]).first()
    if user is None:
        user = User.objects.create_user(
            password=DEMO_PASSWORD, preferred_language=language, affiliation=affiliation, **fields
        )
    return user


def _reviewers(conference, chair, topics):
    reviewers = []
    for email, first, last, name_zh, affiliation, language, positions in REVIEWERS:
        fields = {"email": email, "first_name": first, "last_name": last, "name_zh": name_zh}
        _account(fields, language, affiliation)
        reviewer = invite_reviewer(conference=conference, email=email, by=chair, topics=[topics[n] for n in positions])
        reviewers.append(answer_invitation(reviewer=reviewer, accept=True))
    return reviewers


def _reviews(conference, rng):
    """Reviews of the submissions under review: all submitted but for two drafts and two
    overdue ones; the scores follow each submission's "quality" so that some reviewers agree
    and one pair disagrees."""
    assignments = (
        Assignment.objects.filter(conference=conference, submission__state=SubmissionState.UNDER_REVIEW)
        .select_related("submission", "reviewer__user")
        .order_by("submission__code", "pk")
    )
    for n, assignment in enumerate(assignments):
        if n in (3, 11):  # not started, and late
            Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
            continue
        quality = (int(assignment.submission.code[-2:]) + (4 if n == 6 else 0)) % 3
        language = assignment.reviewer.user.preferred_language
        to_authors, to_committee = COMMENTS[Language.ENGLISH if language == Language.ENGLISH else Language.CHINESE][
            quality
        ]
        form = review_form_for(conference, assignment.submission.phase)
        scores = {
            c.pk: min(c.scale_max, max(c.scale_min, 2 + quality + rng.choice((-1, 0, 0, 1))))
            for c in form.criteria.all()
        }
        save_review(
            assignment=assignment,
            user=assignment.reviewer.user,
            scores=scores,
            recommendation=[Recommendation.MAJOR_REVISION, Recommendation.ACCEPT_POSTER, Recommendation.ACCEPT_ORAL][
                quality
            ],
            confidence=rng.choice((2, 3)),
            comments_to_authors=to_authors,
            comments_to_committee=to_committee,
            submit=n not in (5, 9),
        )


def _decisions(conference, chair):
    """Three decisions released to the authors, two pending, on fully reviewed submissions."""
    reviewed = [
        submission
        for submission in Submission.objects.filter(conference=conference, state=SubmissionState.UNDER_REVIEW)
        .prefetch_related("assignments__review")
        .order_by("code")
        if submission.assignments.all()
        and all(getattr(a, "review", None) and a.review.state == "submitted" for a in submission.assignments.all())
    ]
    outcomes = [Outcome.ACCEPT_ORAL, Outcome.ACCEPT_POSTER, Outcome.REVISION, Outcome.ACCEPT_POSTER, Outcome.REJECT]
    for n, (submission, outcome) in enumerate(zip(reviewed, outcomes, strict=False)):
        decision = record_decision(submission=submission, outcome=outcome, by=chair)
        if n < 3:
            release_decision(decision=decision, by=chair)
