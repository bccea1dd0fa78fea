"""django-q2 entry points of ``submissions``: fetch, call one service."""

from submissions.models import SubmissionArchive
from submissions.services.archives import build_archive


def task_build_archive(*, archive_id):
    archive = SubmissionArchive.objects.select_related("conference").filter(pk=archive_id).first()
    if archive is not None:
        build_archive(archive=archive)
