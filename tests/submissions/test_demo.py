"""The demo call for papers: topics, open phases, forty submissions in every state and both
languages with real PDF files; a second run adds nothing."""

import pytest
from pypdf import PdfReader

from cms.demo import seed_demo
from submissions.enums import FileKind, SubmissionState
from submissions.models import Submission, SubmissionFile, Topic
from submissions.services.windows import is_phase_open, submission_settings_for

pytestmark = pytest.mark.django_db


def test_demo_submissions_in_every_state_with_real_pdfs(demo_clock):
    demo = seed_demo().conferences["ncic2027"]

    settings_row = submission_settings_for(demo)
    assert is_phase_open(settings_row, "abstract") and is_phase_open(settings_row, "full_paper")
    assert f"{settings_row.full_paper_closes_at.astimezone(demo.tz):%Y-%m-%d %H:%M}" == "2027-02-01 00:00"
    assert Topic.objects.filter(conference=demo).count() == 6
    submissions = Submission.objects.filter(conference=demo)
    assert submissions.count() == 40
    assert set(submissions.values_list("state", flat=True)) == set(SubmissionState)
    assert submissions.filter(language="en").exists() and submissions.filter(language="zh-hans").exists()
    assert submissions.filter(title_zh="").exists()  # some are in English only
    assert all(submission.authors.exists() for submission in submissions)
    papers = SubmissionFile.objects.filter(submission__conference=demo, kind=FileKind.PAPER)
    assert papers.filter(revision=2).exists()
    paper = papers.order_by("pk").first()
    with paper.file.open("rb") as handle:
        text = PdfReader(handle).pages[0].extract_text()
    assert paper.submission.code in text

    codes = sorted(submissions.values_list("code", flat=True))
    seed_demo()
    assert sorted(Submission.objects.filter(conference=demo).values_list("code", flat=True)) == codes
    assert SubmissionFile.objects.filter(submission__conference=demo).count() == papers.count()
