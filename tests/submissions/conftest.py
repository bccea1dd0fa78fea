"""Fixtures of the submission tests: a bare conference in Asia/Shanghai whose abstract phase is
open now and whose full-paper phase opens later, two topics, an author and helpers for files."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from submissions.models import Topic
from submissions.services.windows import submission_settings_for
from tests.factories import ConferenceFactory, UserFactory


@pytest.fixture
def own_storage():
    """Files go to the private storage of the test settings (the field keeps its storage)."""
    return None


@pytest.fixture
def conference(db):
    return ConferenceFactory(slug="ncic2027", acronym="NCIC 2027", time_zone="Asia/Shanghai")


@pytest.fixture
def call(conference):
    """The conference's submission settings: abstracts open since yesterday until in ten days."""
    settings_row = submission_settings_for(conference)
    now = timezone.now()
    settings_row.abstract_opens_at = now - datetime.timedelta(days=1)
    settings_row.abstract_closes_at = now + datetime.timedelta(days=10)
    settings_row.save()
    return settings_row


@pytest.fixture
def topics(conference):
    return [
        Topic.objects.create(conference=conference, name_zh="机器学习", name_en="Machine learning", sort_order=1),
        Topic.objects.create(conference=conference, name_zh="知识图谱", name_en="Knowledge graphs", sort_order=2),
    ]


@pytest.fixture
def author_user(db):
    return UserFactory(email="li.hua@example.edu.cn", name_zh="李华", preferred_language="zh-hans")


def submission_data(chosen_topic, **changes):
    topic = chosen_topic
    data = {
        "title_zh": "面向大模型的知识蒸馏方法",
        "title_en": "Knowledge distillation for large models",
        "abstract": "本文提出一种知识蒸馏方法。",
        "keywords": "知识蒸馏; 大模型",
        "topic": topic.pk,
        "presentation_preference": "oral",
    }
    data.update(changes)
    return data


def authors(count=2):
    people = [
        {
            "name": "李华",
            "email": "li.hua@example.edu.cn",
            "affiliation": "浙江大学",
            "country": "CN",
            "presenting": True,
        },
        {"name": "Emma Schmidt", "email": "emma@tum.example.de", "affiliation": "TU München", "country": "DE"},
        {"name": "王强", "email": "wang.qiang@example.edu.cn", "affiliation": "清华大学", "country": "CN"},
    ]
    return (
        people[:count]
        if count <= len(people)
        else [{"name": f"Author {n}", "email": f"author{n}@example.org"} for n in range(count)]
    )


def pdf_upload(name="paper.pdf", size=None):
    content = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
    if size is not None:
        content = content + b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_upload(name="paper.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/msword")


def fake_pdf(name="paper.pdf"):
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="application/pdf")
