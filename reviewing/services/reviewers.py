"""Reviewers of a conference: invited by the chair (an existing account is reused, a new person
gets an inactive one), who accept or decline; their topics of expertise; reviewer groups and the
submissions put in them (by hand, or by a rule on topics)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from cms.accounts.services import find_or_create_account
from reviewing.enums import ReviewerState
from reviewing.models import GroupedSubmission, Reviewer
from reviewing.selectors import REVIEWERS_GROUP, reviewable_submissions


@transaction.atomic
def invite_reviewer(*, conference, email, by, topics=(), language=None):
    """The reviewer of ``email`` in ``conference`` (invited again when they declined before).

    Raises ``ValidationError`` (key ``email``). Side effects: the account when there is none
    (inactive, unconfirmed), the reviewer row, an audit entry."""
    user, _opened = find_or_create_account(email=email, language=language, by_staff=by, action="flock.review.account")
    reviewer, created = Reviewer.objects.get_or_create(conference=conference, user=user, defaults={"invited_by": by})
    if not created and reviewer.state == ReviewerState.DECLINED:
        reviewer.state, reviewer.invited_at, reviewer.responded_at = ReviewerState.INVITED, timezone.now(), None
        reviewer.save(update_fields=["state", "invited_at", "responded_at"])
    if topics:
        reviewer.topics.add(*topics)
    if created:
        log(instance=reviewer, action="flock.review.invite", user=by, data={"email": user.email})
    return reviewer


def reviewers_group():
    """The Wagtail group of everyone who reviews for some conference: it opens the admin, where
    the reviewer's panel is (and nothing else: every other screen is scoped by role)."""
    group, created = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            Permission.objects.get(content_type__app_label="reviewing", codename="review"),
        )
    return group


@transaction.atomic
def answer_invitation(*, reviewer, accept):
    """The invited person accepts or declines (and may change their mind later). Side effects:
    the reviewers' admin group joined (accepting) or left (when no conference is left), an audit
    entry."""
    reviewer = Reviewer.objects.select_for_update().select_related("user").get(pk=reviewer.pk)
    reviewer.state = ReviewerState.ACCEPTED if accept else ReviewerState.DECLINED
    reviewer.responded_at = timezone.now()
    reviewer.save(update_fields=["state", "responded_at"])
    still_reviewing = Reviewer.objects.filter(user=reviewer.user, state=ReviewerState.ACCEPTED).exists()
    if still_reviewing:
        reviewer.user.groups.add(reviewers_group())
    else:
        reviewer.user.groups.remove(reviewers_group())
    log(instance=reviewer, action="flock.review.answer", user=reviewer.user, data={"accepted": bool(accept)})
    return reviewer


@transaction.atomic
def place_in_group(*, group, submissions, by):
    """Put ``submissions`` (of the group's conference) into ``group``, moving them from any other
    group. Returns how many were placed. Side effects: an audit entry on the group."""
    ids = [s.pk for s in submissions if s.conference_id == group.conference_id]
    GroupedSubmission.objects.filter(submission_id__in=ids).exclude(group=group).delete()
    existing = set(
        GroupedSubmission.objects.filter(group=group, submission_id__in=ids).values_list("submission_id", flat=True)
    )
    GroupedSubmission.objects.bulk_create(
        [GroupedSubmission(group=group, submission_id=pk) for pk in ids if pk not in existing]
    )
    log(instance=group, action="flock.review.group_placed", user=by, data={"submissions": len(ids)})
    return len(ids)


def place_by_topic(*, group, by):
    """Put every submission open for review whose topic is one of the group's topics into it."""
    topics = list(group.topics.values_list("pk", flat=True))
    submissions = reviewable_submissions(group.conference).filter(topic_id__in=topics)
    return place_in_group(group=group, submissions=list(submissions), by=by)


@transaction.atomic
def update_reviewer(*, reviewer, topics, groups, by):
    """Set the reviewer's topics of expertise and groups (of their conference only). Side
    effects: an audit entry."""
    reviewer.topics.set([topic for topic in topics if topic.conference_id == reviewer.conference_id])
    reviewer.groups.set([group for group in groups if group.conference_id == reviewer.conference_id])
    log(instance=reviewer, action="flock.review.reviewer_changed", user=by)
    return reviewer
