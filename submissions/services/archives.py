"""Zips of the current files of many submissions, for the organizers: asked for in the admin,
built by a django-q2 task that reports its progress, kept in private storage.

Inside, each file is named by its submission's code, kind and version
(``NCIC2027-0001-paper-v2.pdf``); only the newest version of each kind is included.
"""

import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from submissions.enums import FileKind
from submissions.models import ArchiveState, Submission, SubmissionArchive, SubmissionFile

PROGRESS_EVERY = 25  # submissions between two progress saves
CHUNK = 1024 * 1024


def request_archive(*, conference, user, submissions):
    """An archive of the current files of ``submissions`` (a queryset; those of ``conference``
    only), queued for building after commit.

    Side effects: an audit entry on the archive, a django-q2 task (``task_build_archive``).
    """
    ids = list(submissions.filter(conference=conference).order_by("code").values_list("pk", flat=True))
    archive = SubmissionArchive.objects.create(
        conference=conference, requested_by=user, submission_ids=ids, total=len(ids)
    )
    log(instance=archive, action="wagtail.create", user=user, data={"submissions": len(ids)})
    transaction.on_commit(lambda: _enqueue(archive.pk))
    return archive


def _enqueue(archive_id):
    from django_q.tasks import async_task

    async_task("submissions.tasks.task_build_archive", archive_id=archive_id, task_name=f"archive-{archive_id}")


def archive_name(stored, code):
    return f"{code}-{FileKind(stored.kind).value.replace('_', '-')}-v{stored.revision}.{stored.file_type}"


def _current_files(ids):
    """``{submission_id: [newest file of each kind]}`` for the submissions ``ids``."""
    newest = {}
    for stored in SubmissionFile.objects.filter(submission_id__in=ids).order_by("submission_id", "kind", "-revision"):
        newest.setdefault((stored.submission_id, stored.kind), stored)
    by_submission = {}
    for (submission_id, _kind), stored in newest.items():
        by_submission.setdefault(submission_id, []).append(stored)
    return by_submission


def build_archive(*, archive):
    """Write the zip (to a temporary file, file by file, in chunks: memory stays flat), saving
    the count of submissions done every ``PROGRESS_EVERY``; then store it. A second run of a ready
    archive does nothing. On an error the archive is marked failed with the reason."""
    if archive.state == ArchiveState.READY:
        return archive
    SubmissionArchive.objects.filter(pk=archive.pk).update(state=ArchiveState.BUILDING, done=0)
    try:
        with tempfile.TemporaryFile() as spool:
            count, done = 0, 0
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
                ids = archive.submission_ids
                codes = dict(Submission.objects.filter(pk__in=ids).values_list("pk", "code"))
                for start in range(0, len(ids), 200):
                    part = ids[start : start + 200]
                    files = _current_files(part)
                    for submission_id in part:
                        for stored in files.get(submission_id, []):
                            _add(bundle, stored, archive_name(stored, codes[submission_id]))
                            count += 1
                        done += 1
                        if done % PROGRESS_EVERY == 0:
                            SubmissionArchive.objects.filter(pk=archive.pk).update(done=done)
            spool.seek(0, 2)
            size = spool.tell()
            spool.seek(0)
            archive.file.save(archive.download_name(), File(spool), save=False)
    except Exception as error:  # noqa: BLE001 - any failure is shown on the progress page
        archive.state, archive.error = ArchiveState.FAILED, str(error)[:500]
        archive.finished_at = timezone.now()
        archive.save(update_fields=["state", "error", "finished_at"])
        return archive
    archive.state, archive.done, archive.file_count, archive.size = ArchiveState.READY, done, count, size
    archive.finished_at = timezone.now()
    archive.save(update_fields=["state", "done", "file_count", "size", "file", "finished_at"])
    return archive


def _add(bundle, stored, name):
    info = zipfile.ZipInfo(name, date_time=stored.uploaded_at.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with stored.file.open("rb") as source, bundle.open(info, "w") as target:
        while chunk := source.read(CHUNK):
            target.write(chunk)
