"""Submissions in the admin: the listing (filters, search, scope, a fixed number of queries
whatever the page size), the screen with every version, files, the XLSX export with authors, the
zip of current files built by a task, and the import of invited abstracts with a preview."""

import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from cms.enums import Role
from cms.models import User
from cms.services.conferences import grant_role
from submissions.enums import SubmissionState
from submissions.models import ArchiveState, Submission, SubmissionArchive
from submissions.services.decisions import start_review
from submissions.services.submitting import add_file, start_submission, submit_submission
from tests.factories import ConferenceFactory, UserFactory
from tests.http import read_and_close
from tests.submissions.conftest import authors, pdf_upload, submission_data

pytestmark = pytest.mark.django_db
INDEX = "/admin/submissions/all/"
LAST = []


@pytest.fixture
def chair(conference):
    user = UserFactory(email="chair@example.org")
    grant_role(conference=conference, user=user, role=Role.REVIEW_CHAIR, notify=False)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def admin_client(client, chair):
    client.force_login(chair)
    return client


def make(conference, user, topic, *, submit=True, people=None, **changes):
    submission = start_submission(
        conference=conference,
        user=user,
        data=submission_data(topic, **changes),
        authors=people if people is not None else authors(2),
    )
    if submit:
        submit_submission(submission=submission, user=user)
    return submission


@pytest.fixture
def two(conference, call, topics, author_user):
    first = make(conference, author_user, topics[0], title_zh="图神经网络的可解释性", title_en="Explaining GNNs")
    second_author = UserFactory(email="emma@tum.example.de")
    second = make(
        conference,
        second_author,
        topics[1],
        title_zh="知识图谱补全",
        title_en="Knowledge graph completion",
        presentation_preference="poster",
        people=[{"name": "Emma Schmidt", "email": "emma@tum.example.de", "affiliation": "TUM", "country": "DE"}],
    )
    return first, second


def codes(response):
    return [row.code for row in response.context["object_list"]]


def test_the_listing_shows_the_conference_submissions_only(admin_client, two, topics):
    outsider = ConferenceFactory(slug="other2027", acronym="OTHER")
    from submissions.models import Topic

    foreign_topic = Topic.objects.create(conference=outsider, name_zh="别的")
    foreign = make(outsider, UserFactory(email="x@example.org"), foreign_topic, submit=False)

    response = admin_client.get(INDEX)

    assert sorted(codes(response)) == sorted(s.code for s in two)
    assert admin_client.get(reverse("submissions_admin:inspect", args=[foreign.pk])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=submitted", [0, 1]),
        ("presentation_preference=poster", [1]),
        ("country=DE", [0, 1]),
        ("country=CN", [0]),
        ("phase=abstract", [0, 1]),
        ("q=可解释", [0]),
        ("q=Emma", [0, 1]),
        ("q=TUM completion", [1]),
    ],
)
def test_filters_and_search(admin_client, two, query, expected):
    response = admin_client.get(f"{INDEX}?{query}")

    assert sorted(codes(response)) == sorted(two[i].code for i in expected)


def test_the_topic_filter(admin_client, two, topics):
    response = admin_client.get(f"{INDEX}?topic={topics[1].pk}")

    assert codes(response) == [two[1].code]


def test_the_listing_runs_at_most_15_queries_whatever_the_page_size(admin_client, conference, call, topics, chair):
    def count(page_size):
        admin_client.get(f"{INDEX}?per_page={page_size}")
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(f"{INDEX}?per_page={page_size}")
        assert response.status_code == 200
        assert len(response.context["object_list"]) == min(page_size, Submission.objects.count())
        LAST[:] = queries.captured_queries
        return len(queries)

    people = [UserFactory(email=f"p{n}@example.org") for n in range(40)]
    for person in people[:3]:
        make(conference, person, topics[0], people=authors(3))
    few = count(20)
    for person in people[3:]:
        make(conference, person, topics[1], people=authors(3))
    many = count(100)

    assert few == many
    assert many <= 15, "\n".join(q["sql"][:200] for q in LAST)


def test_the_screen_shows_every_version_and_the_files_download(admin_client, two, author_user):
    submission = two[0]
    first = add_file(submission=submission, user=author_user, uploaded=pdf_upload("初稿.pdf"))
    add_file(submission=submission, user=author_user, uploaded=pdf_upload("修改稿.pdf"))

    page = admin_client.get(reverse("submissions_admin:inspect", args=[submission.pk])).content.decode()
    response = admin_client.get(reverse("submissions_admin:file", args=[submission.pk, first.pk]))

    assert "初稿.pdf" in page and "修改稿.pdf" in page and "v2" in page and "v1" in page
    assert "Emma Schmidt" in page and "li.hua@example.edu.cn" in page
    assert read_and_close(response).startswith(b"%PDF-")


def test_a_file_of_another_conference_is_404(admin_client, topics):
    outsider = ConferenceFactory(slug="other2027", acronym="OTHER")
    from submissions.models import Topic

    person = UserFactory(email="x@example.org")
    foreign = make(outsider, person, Topic.objects.create(conference=outsider, name_zh="别的"), submit=False)
    stored = add_file(submission=foreign, user=person, uploaded=pdf_upload())

    assert admin_client.get(reverse("submissions_admin:file", args=[foreign.pk, stored.pk])).status_code == 404


def test_export_has_one_row_per_submission_with_its_authors(admin_client, two):
    response = admin_client.get(f"{INDEX}?export=xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(read_and_close(response)))
    rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    records = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    first = records[two[0].code]
    assert rows[0][:3] == ["Submission code", "Conference", "Title (Chinese)"]
    assert first["Title (Chinese)"] == "图神经网络的可解释性"
    assert first["Authors"] == "李华; Emma Schmidt"
    assert first["Countries"] == "CN; DE"
    assert first["Corresponding author"] == "li.hua@example.edu.cn"
    assert first["State"] == "Submitted"
    assert records[two[1].code]["Preferred presentation"] == "Poster"


def test_the_zip_holds_the_current_files_named_by_code(
    admin_client, two, author_user, chair, django_capture_on_commit_callbacks
):
    first, second = two
    add_file(submission=first, user=author_user, uploaded=pdf_upload("v1.pdf"))
    add_file(submission=first, user=author_user, uploaded=pdf_upload("v2.pdf", size=200))
    start_review(submission=first, user=chair)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("submissions_admin:archive_new") + "?state=under_review")

    archive = SubmissionArchive.objects.get()
    assert response["Location"] == reverse("submissions_admin:archive", args=[archive.pk])
    status = admin_client.get(reverse("submissions_admin:archive_status", args=[archive.pk])).json()
    assert (status["state"], status["done"], status["total"], status["percent"]) == ("ready", 1, 1, 100)
    download = admin_client.get(reverse("submissions_admin:archive_download", args=[archive.pk]))
    bundle = zipfile.ZipFile(io.BytesIO(read_and_close(download)))
    assert bundle.namelist() == [f"{first.code}-paper-v2.pdf"]
    assert len(bundle.read(f"{first.code}-paper-v2.pdf")) == 200
    assert archive.submission_ids == [first.pk] and second.pk not in archive.submission_ids


def test_another_conference_zip_is_404(admin_client):
    outsider = ConferenceFactory(slug="other2027", acronym="OTHER")
    archive = SubmissionArchive.objects.create(conference=outsider, state=ArchiveState.READY)

    for name in ("archive", "archive_status", "archive_download"):
        assert admin_client.get(reverse(f"submissions_admin:{name}", args=[archive.pk])).status_code == 404


def test_an_attendee_cannot_open_the_admin_listing(client, author_user, two):
    client.force_login(author_user)

    response = client.get(INDEX)

    assert response.status_code in (302, 403)
    assert two[0].title_zh not in response.content.decode()


# --- Import of invited abstracts -----------------------------------------------------------------

HEADERS = [
    "title_zh",
    "title_en",
    "abstract",
    "topic",
    "presentation",
    "corresponding",
    "author1_name",
    "author1_email",
    "author1_affiliation",
    "author1_country",
    "author2_name",
    "author2_email",
]


def xlsx_upload(rows, headers=HEADERS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "invited.xlsx"
    return buffer


def import_url(conference):
    return reverse("submissions_admin:import_into", args=[conference.pk])


def row_errors(response):
    rows = enumerate(response.context["result"].rows, 1)
    return {number: row.validation_error.message_dict for number, row in rows if row.validation_error}


def test_import_previews_then_enters_invited_abstracts(admin_client, conference, call, topics, chair):
    rows = [
        [
            "大模型时代的知识工程",
            "",
            "特邀报告摘要。",
            "机器学习",
            "oral",
            2,
            "陈明",
            "chen@example.edu.cn",
            "北京大学",
            "China",
            "Jane Doe",
            "jane@example.org",
        ],
        [
            "",
            "Invited talk",
            "An abstract.",
            "Knowledge graphs",
            "",
            "",
            "Ada Byron",
            "ada@example.org",
            "UCL",
            "GB",
            "",
            "",
        ],
    ]

    preview = admin_client.post(import_url(conference), {"file": xlsx_upload(rows)})

    assert row_errors(preview) == {}
    assert Submission.objects.count() == 0 and not User.objects.filter(email="jane@example.org").exists()
    token = preview.context["token"]
    confirmed = admin_client.post(import_url(conference), {"confirm": "1", "token": token})

    assert confirmed.status_code == 302
    first = Submission.objects.get(title_zh="大模型时代的知识工程")
    assert (first.state, first.invited, first.topic, first.presentation_preference) == (
        SubmissionState.SUBMITTED,
        True,
        topics[0],
        "oral",
    )
    assert first.submitter.email == "jane@example.org" and not first.submitter.is_active
    assert list(first.authors.values_list("name", "corresponding")) == [("陈明", False), ("Jane Doe", True)]
    assert first.authors.get(position=1).country.code == "CN"
    assert Submission.objects.get(title_en="Invited talk").submitter.email == "ada@example.org"


def test_import_preview_shows_every_row_error_and_saves_nothing(admin_client, conference, call, topics):
    rows = [
        ["好的", "", "摘要", "机器学习", "", "", "陈明", "chen@example.edu.cn", "", "", "", ""],
        ["", "", "no title", "机器学习", "", "", "陈明", "chen@example.edu.cn", "", "", "", ""],
        ["题目", "", "摘要", "没有这个专题", "", "", "陈明", "chen@example.edu.cn", "", "", "", ""],
        ["题目", "", "摘要", "机器学习", "lecture", "", "陈明", "not-an-email", "", "", "", ""],
        ["题目", "", "摘要", "机器学习", "", "3", "陈明", "chen@example.edu.cn", "", "", "", ""],
    ]

    response = admin_client.post(import_url(conference), {"file": xlsx_upload(rows)})

    errors = row_errors(response)
    assert sorted(errors) == [2, 3, 4, 5]
    assert list(errors[2]) == ["title_zh"]
    assert list(errors[3]) == ["topic"]
    assert sorted(errors[4]) == ["presentation"]
    assert list(errors[5]) == ["corresponding"]
    assert response.context["token"] == ""
    assert Submission.objects.count() == 0
    assert not User.objects.filter(email="chen@example.edu.cn").exists()


def test_import_into_another_conference_is_404(admin_client):
    outsider = ConferenceFactory(slug="other2027", acronym="OTHER")

    assert admin_client.get(import_url(outsider)).status_code == 404
