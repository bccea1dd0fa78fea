"""What ``reviewing`` adds to the author's page of a submission (``submissions.extension_points``):
the released decision and the reviewers' comments to the authors, numbered, never named."""

from reviewing.models import Decision
from reviewing.services.decisions import comments_for_authors


def author_decision_section(request, submission):
    decision = Decision.objects.filter(submission=submission, released_at__isnull=False).first()
    if decision is None:
        return None
    return "reviewing/components/author_decision.html", {
        "decision": decision,
        "comments": comments_for_authors(submission),
    }
