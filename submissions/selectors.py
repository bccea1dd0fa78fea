"""Reads of submissions: what a person may open, the lists of the author's pages, the call for
papers as it is shown, and the files of a submission by kind and version.

Who reads a submission: its submitter (who changes it), its co-authors with an account under the
address they are listed with (who read it and its files), and the conference's organizers and
review chairs. Anyone else gets ``Http404`` — whether the code exists is not revealed.
"""

from django.db.models import Prefetch, Q
from django.http import Http404

from cms.permissions import has_role
from conference_pages.cache import cached_conference_read
from submissions.enums import FileKind
from submissions.models import Author, Submission, SubmissionFile, Topic
from submissions.permissions import SUBMISSION_STAFF
from submissions.services.windows import submission_settings_for


def _author_filter(user):
    email = (getattr(user, "email", "") or "").lower()
    return Q(submitter=user) | Q(authors__email=email) if email else Q(submitter=user)


def submissions_of(user, conference):
    """The person's submissions in ``conference`` (submitted by them or listing them as an
    author), newest first, with topic, authors and files — three queries whatever their number."""
    ids = Submission.objects.filter(_author_filter(user), conference=conference).values("pk")
    return list(
        Submission.objects.filter(pk__in=ids)
        .select_related("topic")
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("position")),
            Prefetch("files", queryset=SubmissionFile.objects.order_by("kind", "-revision")),
        )
    )


def submission_of(*, user, conference, code, staff=False):
    """Submission ``code`` of ``conference`` when ``user`` may read it (with ``staff``: also as an
    organizer or review chair); otherwise ``Http404``."""
    submission = (
        Submission.objects.filter(conference=conference, code=str(code).strip().upper())
        .select_related("topic", "submitter")
        .prefetch_related(Prefetch("authors", queryset=Author.objects.order_by("position")))
        .first()
    )
    if submission is None or not may_read(user, submission, staff=staff):
        raise Http404
    submission.conference = conference
    return submission


def may_read(user, submission, *, staff=True):
    if not getattr(user, "is_authenticated", False):
        return False
    if submission.submitter_id == user.pk:
        return True
    email = (user.email or "").lower()
    if email and any(author.email == email for author in submission.authors.all()):
        return True
    return staff and has_role(user, submission.conference_id, *SUBMISSION_STAFF)


def is_submitter(user, submission):
    return submission.submitter_id == getattr(user, "pk", None)


def files_by_kind(submission):
    """``[(kind, [versions, newest first])]`` for the kinds that have files."""
    files = sorted(submission.files.all(), key=lambda f: (list(FileKind).index(f.kind), -f.revision))
    grouped = {}
    for stored in files:
        grouped.setdefault(FileKind(stored.kind), []).append(stored)
    return list(grouped.items())


def current_files(submission):
    """The newest version of each kind of file."""
    return [versions[0] for _kind, versions in files_by_kind(submission)]


def call_for_papers(conference):
    """``(settings, topics)`` as the call-for-papers page shows them; cached until a conference,
    its call for papers or a topic changes (``submissions.receivers``)."""

    def read():
        settings_row = submission_settings_for(conference)
        settings_row._state.fields_cache.pop("conference", None)  # cached without it; set below
        topics = list(Topic.objects.filter(conference=conference, active=True))
        return settings_row, topics

    settings_row, topics = cached_conference_read(["cfp", conference.pk], read)
    settings_row.conference = conference
    return settings_row, topics
