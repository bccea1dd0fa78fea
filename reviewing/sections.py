"""What ``reviewing`` adds to the author's page of a submission (``submissions.extension_points``):
the released decision and the reviewers' comments to the authors, numbered, never named; and the
conflicts of interest the authors declare with the conference's reviewers (a choice: the list of
reviewers is shown to the authors, as a programme committee's members usually are)."""

from django.urls import reverse
from django.utils import translation

from reviewing.enums import ConflictSource
from reviewing.models import Conflict, Decision
from reviewing.selectors import active_reviewers
from reviewing.services.decisions import comments_for_authors
from submissions.enums import SubmissionState


def author_decision_section(request, submission):
    decision = Decision.objects.filter(submission=submission, released_at__isnull=False).first()
    if decision is None:
        return None
    return "reviewing/components/author_decision.html", {
        "decision": decision,
        "comments": comments_for_authors(submission),
    }


def author_conflicts_section(request, submission):
    if submission.state in (SubmissionState.DRAFT, SubmissionState.WITHDRAWN) or submission.is_final:
        return None
    language = translation.get_language() or ""
    people = active_reviewers(submission.conference).select_related("user").order_by("user__email")
    reviewers = [
        {"pk": reviewer.pk, "name": reviewer.user.display_name_in(language), "affiliation": reviewer.user.affiliation}
        for reviewer in people
    ]
    reviewers = [reviewer for reviewer in reviewers if reviewer["name"]]  # named, never by address
    if not reviewers:
        return None
    declared = set(
        Conflict.objects.filter(submission=submission, source=ConflictSource.AUTHOR).values_list(
            "reviewer_id", flat=True
        )
    )
    return "reviewing/components/author_conflicts.html", {
        "reviewers": reviewers,
        "declared": declared,
        "editable": submission.submitter_id == request.user.pk,
        "post_url": reverse(
            "reviewing:author_conflicts",
            kwargs={"conference_slug": submission.conference.slug, "code": submission.code},
        ),
    }
