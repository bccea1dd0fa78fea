"""Demo call for papers of NCIC 2027: six topics, the abstract and full-paper phases open (the
full-paper deadline is the one the demo's "Important dates" page shows), camera-ready versions
later, and forty submissions in every state and both languages, with real PDF files (several with
a revision).

Everything goes through the services, as on the real site; the choices come from a fixed random
seed, so every run builds the same demo, and a second run adds nothing.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from cms.demo import register_seeder
from cms.enums import Language
from cms.models import User
from submissions.enums import FileKind, PresentationType, SubmissionState
from submissions.models import Submission, Topic
from submissions.services.decisions import accept_submission, reject_submission, request_revision, start_review
from submissions.services.submitting import add_file, start_submission, submit_submission, withdraw_submission
from submissions.services.windows import submission_settings_for

__all__ = ["register_seeder", "seed_submissions"]  # apps.py registers the seeder with one import

SEED = 2028
TOPICS = [
    ("机器学习", "Machine learning"),
    ("自然语言处理", "Natural language processing"),
    ("计算机视觉", "Computer vision"),
    ("知识图谱与推理", "Knowledge graphs and reasoning"),
    ("智能系统与应用", "Intelligent systems and applications"),
    ("人工智能安全与伦理", "AI safety and ethics"),
]
SUBJECTS = [
    ("大模型", "large language models"),
    ("图神经网络", "graph neural networks"),
    ("多模态学习", "multimodal learning"),
    ("强化学习", "reinforcement learning"),
    ("联邦学习", "federated learning"),
    ("知识蒸馏", "knowledge distillation"),
    ("小样本学习", "few-shot learning"),
    ("因果推断", "causal inference"),
]
METHODS = [
    ("面向{}的高效训练方法", "Efficient training for {}"),
    ("基于{}的鲁棒性分析", "Robustness analysis of {}"),
    ("{}的可解释性研究", "Towards interpretable {}"),
    ("{}在医疗影像中的应用", "{} for medical imaging"),
    ("轻量化{}及其部署", "Lightweight {} and their deployment"),
]
# How many submissions end in each state.
PLAN = [
    (SubmissionState.DRAFT, 6),
    (SubmissionState.SUBMITTED, 14),
    (SubmissionState.UNDER_REVIEW, 10),
    (SubmissionState.REVISION_REQUESTED, 3),
    (SubmissionState.ACCEPTED_ORAL, 3),
    (SubmissionState.ACCEPTED_POSTER, 2),
    (SubmissionState.REJECTED, 1),
    (SubmissionState.WITHDRAWN, 1),
]


def seed_submissions(context):
    conference = context.conferences["ncic2027"]
    organizer = context.users["organizer"]
    _configure(conference)
    topics = _topics(conference)
    if Submission.objects.filter(conference=conference).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 - a demo, the same every run
    people = list(
        User.objects.filter(registrations__conference=conference, registrations__walk_in=False)
        .order_by("pk")
        .distinct()[:40]
    )
    if not people:  # the registration demo provides the authors
        return
    states = [state for state, count in PLAN for _ in range(count)]
    for number, state in enumerate(states):
        submitter = people[number % len(people)]
        english = submitter.preferred_language == Language.ENGLISH or number % 4 == 3
        submission = start_submission(
            conference=conference,
            user=submitter,
            data=_data(rng, topics, english),
            authors=_authors(rng, submitter),
            language=Language.ENGLISH if english else Language.CHINESE,
        )
        _bring_to(submission, state, submitter, organizer, rng)


def _configure(conference):
    settings_row = submission_settings_for(conference)
    if settings_row.abstract_closes_at is not None:
        return
    tz = conference.tz
    settings_row.abstract_opens_at = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=tz)
    settings_row.abstract_closes_at = datetime.datetime(2027, 1, 10, 0, 0, tzinfo=tz)
    settings_row.full_paper_enabled = True
    settings_row.full_paper_opens_at = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=tz)
    settings_row.full_paper_closes_at = datetime.datetime(2027, 2, 1, 0, 0, tzinfo=tz)  # "due 31 January"
    settings_row.camera_ready_enabled = True
    settings_row.camera_ready_closes_at = datetime.datetime(2027, 3, 16, 0, 0, tzinfo=tz)
    settings_row.max_per_person = 5
    settings_row.double_blind = True
    settings_row.save()


def _topics(conference):
    existing = list(Topic.objects.filter(conference=conference))
    if existing:
        return existing
    return [
        Topic.objects.create(conference=conference, name_zh=zh, name_en=en, sort_order=index)
        for index, (zh, en) in enumerate(TOPICS, start=1)
    ]


def _data(rng, topics, english):
    subject_zh, subject_en = rng.choice(SUBJECTS)
    method_zh, method_en = rng.choice(METHODS)
    title_en = method_en.format(subject_en)
    title_en = title_en[0].upper() + title_en[1:]
    abstract_en = (
        f"We study {subject_en} and propose a method that reduces training cost while keeping accuracy. "
        "Experiments on three public benchmarks show consistent gains over strong baselines."
    )
    abstract_zh = f"本文研究{subject_zh}问题，提出一种在保持精度的同时降低训练开销的方法。在三个公开数据集上的实验表明，该方法稳定优于现有基线。"
    return {
        "title_zh": "" if english else method_zh.format(subject_zh),
        "title_en": title_en,
        "abstract": abstract_en if english else abstract_zh,
        "keywords": f"{subject_en}; efficiency" if english else f"{subject_zh}；高效训练",
        "topic": rng.choice(topics).pk,
        "presentation_preference": rng.choice(list(PresentationType)),
    }


def _authors(rng, submitter):
    first = {
        "name": submitter.name_zh or f"{submitter.first_name} {submitter.last_name}".strip() or submitter.email,
        "email": submitter.email,
        "affiliation": submitter.affiliation,
        "country": str(submitter.country or ""),
        "presenting": True,
    }
    coauthors = [
        {
            "name": "陈静",
            "email": "chen.jing@ia.ac.example.cn",
            "affiliation": "中国科学院自动化研究所",
            "country": "CN",
        },
        {"name": "Emma Schmidt", "email": "emma.schmidt@tum.example.de", "affiliation": "TU München", "country": "DE"},
        {"name": "周涛", "email": "zhou.tao@nju.example.edu.cn", "affiliation": "南京大学", "country": "CN"},
    ]
    chosen = [author for author in rng.sample(coauthors, rng.randint(0, 2)) if author["email"] != submitter.email]
    return [first, *chosen]


def _bring_to(submission, state, submitter, organizer, rng):
    if state == SubmissionState.WITHDRAWN:
        withdraw_submission(submission=submission, user=submitter)
        return
    if state == SubmissionState.DRAFT:
        return
    if rng.random() < 0.7 or state != SubmissionState.SUBMITTED:
        _paper(submission, submitter, revisions=2 if rng.random() < 0.3 else 1)
    submit_submission(submission=submission, user=submitter)
    if state == SubmissionState.SUBMITTED:
        return
    start_review(submission=submission, user=organizer)
    if state == SubmissionState.REVISION_REQUESTED:
        request_revision(submission=submission, user=organizer)
    elif state == SubmissionState.ACCEPTED_ORAL:
        accept_submission(submission=submission, user=organizer, presentation=PresentationType.ORAL)
    elif state == SubmissionState.ACCEPTED_POSTER:
        accept_submission(submission=submission, user=organizer, presentation=PresentationType.POSTER)
    elif state == SubmissionState.REJECTED:
        reject_submission(submission=submission, user=organizer)


def _paper(submission, submitter, *, revisions):
    for revision in range(1, revisions + 1):
        content = pdf_document([submission.code, submission.title_en, f"Version {revision}"])
        add_file(
            submission=submission,
            user=submitter,
            uploaded=SimpleUploadedFile(f"{submission.code}-v{revision}.pdf", content, content_type="application/pdf"),
            kind=FileKind.PAPER,
        )


def pdf_document(lines):
    """A small, valid one-page PDF showing ``lines`` (Latin text) in Helvetica."""
    text = "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(f"({_pdf_escape(line)}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text.encode("latin-1")), text.encode("latin-1")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(output)


def _pdf_escape(line):
    safe = line.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
