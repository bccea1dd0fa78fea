"""Files of submissions: checked by content, bounded in size, stored under generated names in
private storage, every revision kept with its time; the full-paper window, the camera-ready
version for accepted work only, and nothing half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from submissions.enums import FileKind, FileType, Phase, SubmissionState
from submissions.exceptions import DeadlinePassed, PhaseClosed, SubmissionLocked
from submissions.models import SubmissionFile
from submissions.services.decisions import accept_submission, reject_submission, request_revision, start_review
from submissions.services.files import clean_file_name, sniff_file_type
from submissions.services.submitting import add_file, start_submission, submit_submission
from tests.submissions.conftest import authors, docx_upload, fake_pdf, pdf_upload, submission_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(call, topics, author_user):
    return start_submission(
        conference=call.conference, user=author_user, data=submission_data(topics[0]), authors=authors()
    )


def stored_files(_root=None):
    """The files in the submissions' private storage (the field's own storage)."""
    from pathlib import Path

    storage = SubmissionFile._meta.get_field("file").storage
    root = Path(storage.location) / "submissions"
    return sorted(str(path) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_every_revision_is_kept_with_its_time_under_a_generated_name(submission, author_user, own_storage):
    before = stored_files()
    first = add_file(submission=submission, user=author_user, uploaded=pdf_upload("论文 初稿.pdf"))
    second = add_file(submission=submission, user=author_user, uploaded=pdf_upload("论文 修改稿.pdf"))

    files = list(SubmissionFile.objects.filter(submission=submission).order_by("revision"))
    assert [(f.revision, f.original_name, f.file_type) for f in files] == [
        (1, "论文 初稿.pdf", FileType.PDF),
        (2, "论文 修改稿.pdf", FileType.PDF),
    ]
    assert first.uploaded_at <= second.uploaded_at
    assert all(f.file.name.startswith("submissions/") and "论文" not in f.file.name for f in files)
    assert len(stored_files()) == len(before) + 2
    with files[1].file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (fake_pdf(), "file_type"),  # HTML named .pdf
        (SimpleUploadedFile("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100), "file_type"),  # an executable
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
        (docx_upload(), "file_type"),  # Word is not allowed unless the organizer says so
    ],
)
def test_files_are_judged_by_content_and_nothing_is_stored_when_refused(
    submission, author_user, own_storage, upload, code
):
    before = stored_files()
    with pytest.raises(ValidationError) as refused:
        add_file(submission=submission, user=author_user, uploaded=upload)
    assert refused.value.error_dict["file"][0].code == code
    assert not SubmissionFile.objects.exists()
    assert stored_files() == before


def test_the_size_limit_is_the_phases(call, submission, author_user, own_storage):
    call.abstract_max_size_mb = 1
    call.save()
    with pytest.raises(ValidationError) as refused:
        add_file(submission=submission, user=author_user, uploaded=pdf_upload(size=1024 * 1024 + 1))
    assert refused.value.error_dict["file"][0].code == "file_too_large"
    assert "1 MB" in refused.value.error_dict["file"][0].message
    add_file(submission=submission, user=author_user, uploaded=pdf_upload(size=1024 * 1024))
    assert SubmissionFile.objects.count() == 1


def test_word_is_taken_when_allowed_and_recognised_by_its_content(call, submission, author_user):
    call.allow_word = True
    call.save()
    stored = add_file(submission=submission, user=author_user, uploaded=docx_upload("paper.pdf"))
    assert stored.file_type == FileType.WORD and stored.file.name.endswith(".docx")


def test_supplementary_files_may_be_zip_archives(submission, author_user):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    stored = add_file(
        submission=submission,
        user=author_user,
        uploaded=SimpleUploadedFile("data.zip", buffer.getvalue()),
        kind=FileKind.SUPPLEMENTARY,
    )
    assert (stored.kind, stored.file_type, stored.revision) == (FileKind.SUPPLEMENTARY, FileType.ZIP, 1)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\li\\论文.pdf", "论文.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe"),  # the right-to-left override is dropped
        ("tab\tand\nnewline.pdf", "tabandnewline.pdf"),
        ("...", "file"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_file_names_are_cleaned_before_they_are_shown(given, kept):
    assert clean_file_name(given) == kept


def test_a_broken_zip_is_not_a_word_file():
    assert sniff_file_type(SimpleUploadedFile("x.docx", b"PK\x03\x04 broken")) is None


def test_no_file_after_the_final_decision(call, submission, author_user):
    submit_submission(submission=submission, user=author_user)
    reject_submission(submission=submission)
    with pytest.raises(SubmissionLocked):
        add_file(submission=submission, user=author_user, uploaded=pdf_upload())
    assert not SubmissionFile.objects.exists()


# The full-paper phase and the camera-ready version ---------------------------------------------


@pytest.fixture
def full_papers(call):
    now = timezone.now()
    call.full_paper_enabled = True
    call.full_paper_opens_at = now + datetime.timedelta(days=20)
    call.full_paper_closes_at = now + datetime.timedelta(days=40)
    call.save()
    return call


def test_the_first_full_paper_needs_its_phase_open_and_revisions_do_not(full_papers, submission, author_user):
    submit_submission(submission=submission, user=author_user)
    with pytest.raises(PhaseClosed):
        add_file(submission=submission, user=author_user, uploaded=pdf_upload())

    in_window = timezone.now() + datetime.timedelta(days=21)
    paper = add_file(submission=submission, user=author_user, uploaded=pdf_upload(), at=in_window)
    submission.refresh_from_db()
    assert (paper.phase, submission.phase) == (Phase.FULL_PAPER, Phase.FULL_PAPER)

    after = timezone.now() + datetime.timedelta(days=41)
    revision = add_file(submission=submission, user=author_user, uploaded=pdf_upload("v2.pdf"), at=after)
    assert revision.revision == 2


def test_a_requested_revision_may_be_uploaded_after_the_deadline(full_papers, submission, author_user):
    submit_submission(submission=submission, user=author_user)
    start_review(submission=submission)
    request_revision(submission=submission)
    after = timezone.now() + datetime.timedelta(days=41)
    stored = add_file(submission=submission, user=author_user, uploaded=pdf_upload(), at=after)
    assert stored.revision == 1
    submission.refresh_from_db()
    assert submission.state == SubmissionState.REVISION_REQUESTED


def test_the_camera_ready_version_is_for_accepted_work_until_its_deadline(call, submission, author_user):
    call.camera_ready_enabled = True
    call.camera_ready_closes_at = timezone.now() + datetime.timedelta(days=5)
    call.save()
    submit_submission(submission=submission, user=author_user)
    with pytest.raises(SubmissionLocked):
        add_file(submission=submission, user=author_user, uploaded=pdf_upload(), kind=FileKind.CAMERA_READY)

    accept_submission(submission=submission, presentation="poster")
    ready = add_file(submission=submission, user=author_user, uploaded=pdf_upload(), kind=FileKind.CAMERA_READY)
    assert (ready.kind, ready.phase, ready.revision) == (FileKind.CAMERA_READY, Phase.CAMERA_READY, 1)
    with pytest.raises(DeadlinePassed):
        add_file(
            submission=submission,
            user=author_user,
            uploaded=pdf_upload(),
            kind=FileKind.CAMERA_READY,
            at=timezone.now() + datetime.timedelta(days=6),
        )
    assert SubmissionFile.objects.filter(kind=FileKind.CAMERA_READY).count() == 1
