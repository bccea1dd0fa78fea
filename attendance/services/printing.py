"""Letters and badges of many attendees, for the conference's staff: asked for in the admin, built
by django-q2 tasks that report their progress, kept in private storage.

A print job (``PrintBatch``) is built in runs of at most ``PER_RUN`` registrations, each run one
task that stores its part (a zip of letters, or a PDF of badge sheets) and queues the next run;
the last run puts the parts together (one zip; one PDF) and deletes them. So no task runs for
long, whatever the number of attendees, and the progress page moves run by run.

Only confirmed registrations get a letter; each letter is in its registration's language and
named by its code (``NCIC2027-R0001-letter.pdf``). Badges are printed for every registration
chosen, in code order.
"""

import datetime
import io
import tempfile
import zipfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from attendance.enums import RegistrationState
from attendance.models import PrintBatch, PrintBatchState, PrintKind, Registration

PER_RUN = 200  # registrations rendered by one task (letters take about 0.1–0.25 s each)


def request_print_batch(*, conference, user, registrations, kind):
    """A print job of ``kind`` for ``registrations`` (a queryset; those of ``conference`` only,
    and for letters the confirmed ones), queued for building after commit.

    Side effects: an audit entry on the job, a django-q2 task (``task_build_print_batch``).
    """
    registrations = registrations.filter(conference=conference)
    if kind == PrintKind.LETTERS:
        registrations = registrations.filter(state=RegistrationState.CONFIRMED)
    ids = list(registrations.order_by("code").values_list("pk", flat=True))
    batch = PrintBatch.objects.create(
        conference=conference, kind=kind, requested_by=user, registration_ids=ids, total=len(ids)
    )
    log(instance=batch, action="wagtail.create", user=user, data={"kind": kind, "registrations": len(ids)})
    transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def _enqueue(batch_id):
    from django_q.tasks import async_task

    async_task("attendance.tasks.task_build_print_batch", batch_id=batch_id, task_name=f"print-{batch_id}")


def _part_name(batch, index):
    return f"registrations/prints/parts/{batch.pk}/{index:05d}.{'pdf' if batch.kind == PrintKind.BADGES else 'zip'}"


def _registrations(batch, ids):
    found = (
        Registration.objects.filter(pk__in=ids, conference=batch.conference_id)
        .select_related("conference", "registration_type", "order")
        .in_bulk()
    )
    return [found[pk] for pk in ids if pk in found]


def _render_part(batch, registrations):
    from attendance.badges import render_badge_sheets_pdf
    from attendance.letters import letter_filename, render_letter_pdf

    if batch.kind == PrintKind.BADGES:
        return render_badge_sheets_pdf(registrations=registrations) if registrations else b""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for registration in registrations:
            if registration.state == RegistrationState.CONFIRMED:  # not cancelled meanwhile
                bundle.writestr(letter_filename(registration), render_letter_pdf(registration=registration))
    return buffer.getvalue()


def build_print_batch(*, batch_id):
    """One run: render the next ``PER_RUN`` registrations into a stored part and queue the next
    run, or, when all are done, put the parts together. Runs of one job never overlap (the job's
    row is locked; a run that finds it locked leaves); a ready job is left alone. On an error the
    job is marked failed with the reason."""
    with transaction.atomic():
        batch = (
            PrintBatch.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("conference")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or batch.state in (PrintBatchState.READY, PrintBatchState.FAILED):
            return batch
        try:
            if batch.done < batch.total:
                _run(batch)
            else:
                _assemble(batch)
        except Exception as error:  # noqa: BLE001 - any failure is shown on the progress page
            batch.state, batch.error, batch.finished_at = PrintBatchState.FAILED, str(error)[:500], timezone.now()
            batch.save(update_fields=["state", "error", "finished_at"])
            return batch
    return batch


def _run(batch):
    from django.core.files.storage import storages

    ids = batch.registration_ids[batch.done : batch.done + PER_RUN]
    content = _render_part(batch, _registrations(batch, ids))
    storage = storages["private"]
    name = _part_name(batch, batch.done // PER_RUN)
    if storage.exists(name):  # a run repeated after a crash: its part is made again
        storage.delete(name)
    storage.save(name, ContentFile(content))
    batch.state, batch.done = PrintBatchState.BUILDING, batch.done + len(ids)
    batch.save(update_fields=["state", "done"])
    transaction.on_commit(lambda: _enqueue(batch.pk))


def _assemble(batch):
    from django.core.files.storage import storages

    storage = storages["private"]
    names = [_part_name(batch, index) for index in range((batch.total + PER_RUN - 1) // PER_RUN)]
    with tempfile.TemporaryFile() as spool:
        if batch.kind == PrintKind.BADGES:
            _join_pdfs(storage, names, spool)
        else:
            _join_zips(storage, names, spool)
        batch.size = spool.tell()
        spool.seek(0)
        batch.file.save(batch.download_name(), File(spool), save=False)
    for name in names:
        storage.delete(name)
    batch.state, batch.finished_at = PrintBatchState.READY, timezone.now()
    batch.save(update_fields=["state", "size", "file", "finished_at"])


def _join_zips(storage, names, target):
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name in names:
            with storage.open(name, "rb") as stored, zipfile.ZipFile(stored) as part:
                for entry in part.infolist():
                    bundle.writestr(entry, part.read(entry))


def _join_pdfs(storage, names, target):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for name in names:
        with storage.open(name, "rb") as stored:
            content = stored.read()
        if content:
            writer.append(io.BytesIO(content))
    writer.write(target)


KEPT_FOR = datetime.timedelta(days=7)


def sweep_print_batches(*, now=None):
    """Delete print jobs (and their files, parts included) older than ``KEPT_FOR``: letters and
    badges are made again in seconds, and the files hold personal data. Returns how many."""
    now = now or timezone.now()
    old = list(PrintBatch.objects.filter(created_at__lt=now - KEPT_FOR))
    for batch in old:
        storage = PrintBatch._meta.get_field("file").storage
        if batch.file:
            batch.file.delete(save=False)
        for index in range((batch.total + PER_RUN - 1) // PER_RUN):
            name = _part_name(batch, index)
            if storage.exists(name):
                storage.delete(name)
        batch.delete()
    return len(old)
