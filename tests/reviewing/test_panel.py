"""The reviewer's panel in the admin: the assignment list (a fixed number of queries), the review
page and its form, and what a reviewer never reaches: another reviewer's or a conflicted
assignment, its paper, and, when the review is double-blind, anything naming the authors."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from reviewing.enums import ConflictSource, ReviewState
from reviewing.models import Review
from reviewing.services.assignments import assign
from reviewing.services.conflicts import declare_conflict
from reviewing.services.reviews import review_form_for
from submissions.services.submitting import add_file
from tests.http import read_and_close
from tests.submissions.conftest import pdf_upload

pytestmark = pytest.mark.django_db
INDEX = "/admin/reviews/mine/"


def panel_client(user):
    user.is_active = True
    user.save(update_fields=["is_active"])
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setting(make_reviewer, make_submission, chair):
    reviewer = make_reviewer("reviewer@example.org")
    submission = make_submission(
        [("li.hua@zju.example.edu.cn", "浙江大学"), ("emma@tum.example.de", "TU München")], title="图神经网络"
    )
    add_file(submission=submission, user=submission.submitter, uploaded=pdf_upload("李华-论文.pdf"))
    assignment = assign(submission=submission, reviewer=reviewer, by=chair)
    return reviewer, submission, assignment


def test_the_list_shows_my_assignments_in_the_same_queries_for_one_and_many(setting, make_submission, chair, topics):
    reviewer, _submission, _assignment = setting
    client = panel_client(reviewer.user)

    def count():
        client.get(INDEX)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(INDEX)
        assert response.status_code == 200
        return len(queries), response

    few, _response = count()
    for n in range(6):
        assign(
            submission=make_submission([(f"x{n}@authors.example.net", "")], title=f"稿件{n}"),
            reviewer=reviewer,
            by=chair,
        )
    many, response = count()

    assert few == many
    assert len(response.context["assignments"]) == 7
    assert "My reviews" in response.content.decode()


def test_a_reviewer_saves_a_draft_then_submits(setting):
    reviewer, submission, assignment = setting
    client = panel_client(reviewer.user)
    url = reverse("reviewer_panel:review", args=[assignment.pk])
    criteria = list(review_form_for(submission.conference, submission.phase).criteria.all())
    page = client.get(url)
    paper = submission.files.get()

    draft = client.post(url, {f"score_{criteria[0].pk}": "4", "file_read": paper.pk, "draft": "1"})
    refused = client.post(url, {f"score_{criteria[0].pk}": "9", "submit": "1"})
    data = {f"score_{c.pk}": "3" for c in criteria}
    data.update(recommendation="minor_revision", confidence="2", comments_to_authors="请补充实验。", submit="1")
    submitted = client.post(url, data)

    assert page.status_code == 200 and "图神经网络" in page.content.decode()
    assert draft.status_code == 302 and refused.status_code == 400
    review = Review.objects.get(assignment=assignment)
    assert (review.state, review.recommendation, review.file_read) == (ReviewState.SUBMITTED, "minor_revision", paper)
    assert submitted.status_code == 302
    assert sorted(review.scores.values_list("value", flat=True)) == [3, 3, 3]


def test_another_reviewers_or_a_conflicted_assignment_is_404(setting, make_reviewer, chair):
    reviewer, submission, assignment = setting
    other = make_reviewer("other@example.org")
    stranger = panel_client(other.user)
    own = panel_client(reviewer.user)

    assert stranger.get(reverse("reviewer_panel:review", args=[assignment.pk])).status_code == 404
    assert stranger.get(reverse("reviewer_panel:paper", args=[assignment.pk])).status_code == 404
    assert stranger.post(reverse("reviewer_panel:review", args=[assignment.pk]), {"draft": "1"}).status_code == 404

    declare_conflict(reviewer=reviewer, submission=submission, source=ConflictSource.AUTHOR, by=submission.submitter)

    assert own.get(reverse("reviewer_panel:review", args=[assignment.pk])).status_code == 404
    assert own.get(reverse("reviewer_panel:paper", args=[assignment.pk])).status_code == 404
    assert submission.code not in own.get(INDEX).content.decode()
    assert not Review.objects.exists()


def test_a_double_blind_review_never_shows_the_authors(setting, call):
    reviewer, submission, assignment = setting
    call.double_blind = True
    call.save()
    client = panel_client(reviewer.user)

    page = client.get(reverse("reviewer_panel:review", args=[assignment.pk])).content.decode()
    listing = client.get(INDEX).content.decode()
    paper = client.get(reverse("reviewer_panel:paper", args=[assignment.pk]))

    for secret in ("li.hua", "Emma", "emma@", "浙江大学", "TU München", "李华"):
        assert secret not in page and secret not in listing
    assert paper["Content-Disposition"] == f'attachment; filename="{submission.code}-v1.pdf"'
    assert read_and_close(paper).startswith(b"%PDF-")


def test_a_double_blind_paper_loses_its_author_metadata(setting, call):
    import io

    import pypdf
    from django.core.files.uploadedfile import SimpleUploadedFile

    reviewer, submission, assignment = setting
    call.double_blind = True
    call.save()
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Author": "李华 Li Hua", "/Creator": "Zhejiang University"})
    buffer = io.BytesIO()
    writer.write(buffer)
    add_file(submission=submission, user=submission.submitter, uploaded=SimpleUploadedFile("v2.pdf", buffer.getvalue()))
    client = panel_client(reviewer.user)

    body = read_and_close(client.get(reverse("reviewer_panel:paper", args=[assignment.pk])))

    served = pypdf.PdfReader(io.BytesIO(body))
    assert len(served.pages) == 1
    assert served.metadata is None or "/Author" not in served.metadata
    assert b"Li Hua" not in body and b"Zhejiang" not in body


def test_a_double_blind_word_paper_loses_its_authors(setting, call):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    reviewer, submission, assignment = setting
    call.double_blind, call.allow_word = True, True
    call.save()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(
            "docProps/core.xml",
            '<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:creator>李华 Li Hua</dc:creator>'
            "<cp:lastModifiedBy>Li Hua</cp:lastModifiedBy></cp:coreProperties>",
        )
        package.writestr("docProps/app.xml", "<Properties><Company>Zhejiang University</Company></Properties>")
        package.writestr(
            "word/document.xml",
            '<w:document><w:ins w:author="Li Hua" w:date="2026-01-01"><w:t>Results</w:t></w:ins></w:document>',
        )
        package.writestr("word/comments.xml", '<w:comments><w:comment w:author="李华" w:initials="LH"/></w:comments>')
    upload = SimpleUploadedFile("v2.docx", buffer.getvalue(), content_type="application/msword")
    add_file(submission=submission, user=submission.submitter, uploaded=upload)
    client = panel_client(reviewer.user)

    response = client.get(reverse("reviewer_panel:paper", args=[assignment.pk]))
    body = read_and_close(response)

    assert response["Content-Disposition"] == f'attachment; filename="{submission.code}-v2.docx"'
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        texts = {name: package.read(name).decode() for name in package.namelist()}
    assert "<w:t>Results</w:t>" in texts["word/document.xml"]  # the paper itself is intact
    everything = "".join(texts.values())
    assert "Li Hua" not in everything and "李华" not in everything and "Zhejiang" not in everything
    assert 'w:initials="LH"' not in everything


def test_a_single_blind_review_shows_the_authors(setting):
    reviewer, _submission, assignment = setting
    client = panel_client(reviewer.user)

    page = client.get(reverse("reviewer_panel:review", args=[assignment.pk])).content.decode()

    assert "li.hua" in page and "浙江大学" in page


def test_someone_who_reviews_nothing_has_no_panel(client, chair):
    client.force_login(chair)

    assert client.get(INDEX).status_code in (302, 403)


def test_a_reviewer_declares_a_conflict_and_the_submission_leaves_their_list(setting, chair):
    from reviewing.models import Assignment, Conflict

    reviewer, submission, assignment = setting
    client = panel_client(reviewer.user)
    page = client.get(reverse("reviewer_panel:review", args=[assignment.pk])).content.decode()
    assert reverse("reviewer_panel:conflict", args=[assignment.pk]) in page

    response = client.post(reverse("reviewer_panel:conflict", args=[assignment.pk]), {"note": "我是作者的导师"})
    assert response.status_code == 302 and response["Location"] == INDEX
    conflict = Conflict.objects.get(reviewer=reviewer, submission=submission)
    assert (conflict.source, conflict.note, conflict.dismissed_at) == (ConflictSource.REVIEWER, "我是作者的导师", None)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert "is recorded" in client.get(INDEX).content.decode()  # the message, shown once
    assert submission.code not in client.get(INDEX).content.decode()
    assert client.get(reverse("reviewer_panel:review", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("reviewer_panel:conflict", args=[assignment.pk])).status_code == 404
