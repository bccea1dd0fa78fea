"""Review data to and from XLSX: the three exports read back cell by cell (in Chinese and in
English), the group filter, a fixed number of queries, no formulas, the chair who is in conflict
as a reviewer, who may use them (404 for anyone else), and the import of assignments with its
preview (every kind of error, nothing saved before confirming) and its confirmation."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from reviewing.enums import AssignmentMethod, ConflictSource, Outcome
from reviewing.models import Assignment, ReviewerGroup
from reviewing.services.assignments import assign
from reviewing.services.conflicts import declare_conflict
from reviewing.services.decisions import record_decision
from reviewing.services.reviewers import answer_invitation, invite_reviewer, place_in_group
from reviewing.services.reviews import review_form_for, save_review
from submissions.models import Submission
from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DUE = datetime.datetime(2027, 3, 1, 18, 0, tzinfo=SHANGHAI)


def admin_client(user, language=None):
    if language:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    client = Client()
    client.force_login(user)
    return client


def export(client, conference, kind, query=""):
    response = client.get(reverse("review_transfer:export", args=[conference.pk, kind]) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def data(conference, chair, make_reviewer, make_submission, topics):
    """s1 (group one) reviewed twice, in disagreement, with a pending decision; s2 with a draft;
    s3 submitted and unassigned; s4 a draft."""
    ann = make_reviewer("ann@example.org")
    bob = make_reviewer("bob@example.org")
    ann.user.name_zh, ann.user.first_name, ann.user.last_name = "安", "Ann", "Lee"
    ann.user.save()
    s1 = make_submission([("a@uni.example.cn", "")], title="图神经网络", topic=topics[0])
    s2 = make_submission([("b@uni.example.cn", "")], title="+知识图谱", topic=topics[1])
    s3 = make_submission([("c@uni.example.cn", "")], title="第三篇")
    s4 = make_submission([("d@uni.example.cn", "")], title="草稿", submit=False)
    group = ReviewerGroup.objects.create(conference=conference, name_zh="第一组", name_en="Group one")
    place_in_group(group=group, submissions=[s1], by=chair)
    a1 = assign(submission=s1, reviewer=ann, by=chair, due_at=DUE)
    a2 = assign(submission=s1, reviewer=bob, by=chair)
    a3 = assign(submission=s2, reviewer=ann, by=chair, method=AssignmentMethod.BULK)
    criteria = list(review_form_for(conference, s1.phase).criteria.all())
    save_review(
        assignment=a1,
        user=ann.user,
        scores={criteria[0].pk: 5, criteria[1].pk: 4, criteria[2].pk: 3},
        recommendation="accept_oral",
        confidence=3,
        comments_to_authors="=SUM(A1:A2) \x0b很好",
        comments_to_committee="@机密",
        submit=True,
    )
    save_review(
        assignment=a2,
        user=bob.user,
        scores={c.pk: 1 for c in criteria},
        recommendation="reject",
        confidence=1,
        submit=True,
    )
    save_review(assignment=a3, user=ann.user, scores={criteria[0].pk: 4})
    record_decision(submission=s1, outcome=Outcome.ACCEPT_ORAL, by=chair)
    return {"ann": ann, "bob": bob, "s": [s1, s2, s3, s4], "group": group, "criteria": criteria}


def test_the_assignments_export_reads_back_in_chinese(data, conference, chair):
    s1, s2, _s3, _s4 = data["s"]

    rows = values(export(admin_client(chair), conference, "assignments"))

    assert rows[0] == [
        "稿件编号",
        gettext("title"),
        "专题",
        "稿件评审分组",
        "审稿人",
        gettext("reviewer email"),
        gettext("assigned how"),
        gettext("due date"),
        gettext("review state"),
        gettext("review submitted"),
    ]
    assert [row[:9] for row in rows[1:]] == [
        [
            s1.code,
            "图神经网络",
            "机器学习",
            "第一组",
            "安",
            "ann@example.org",
            "手动",
            datetime.datetime(2027, 3, 1, 18, 0),
            "已提交",
        ],
        [
            s1.code,
            "图神经网络",
            "机器学习",
            "第一组",
            data["bob"].user.name_zh,
            "bob@example.org",
            "手动",
            None,
            "已提交",
        ],
        [s2.code, "+知识图谱", "知识图谱", None, "安", "ann@example.org", gettext("In bulk"), None, "草稿"],
    ]
    assert isinstance(rows[1][9], datetime.datetime) and rows[3][9] is None


def test_an_assignment_without_a_review_is_not_started(data, conference, chair):
    s3 = data["s"][2]
    assign(submission=s3, reviewer=data["bob"], by=chair)

    rows = values(export(admin_client(chair), conference, "assignments"))

    assert rows[-1][0] == s3.code and rows[-1][8:] == ["尚未开始", None]


def test_the_assignments_export_in_english(data, conference, chair):
    rows = values(export(admin_client(chair, "en"), conference, "assignments"))

    assert rows[0][:3] == ["submission code", "title", "topic"]
    assert rows[1][2:7] == ["Machine learning", "Group one", "Ann Lee", "ann@example.org", "By hand"]
    assert rows[1][8] == "Submitted"


def test_the_reviews_export_has_a_column_per_criterion_and_marks_drafts(data, conference, chair):
    s1, s2, _s3, _s4 = data["s"]

    rows = values(export(admin_client(chair), conference, "reviews"))

    assert rows[0][:7] == [
        "稿件编号",
        gettext("title"),
        "审稿人",
        gettext("reviewer email"),
        "状态",
        "评审建议",
        "把握程度",
    ]
    assert rows[0][7:10] == ["创新性", "学术价值与重要性", "表述清晰度"]
    assert rows[0][10:] == [
        gettext("mean score (0–100)"),
        gettext("weighted score (0–100)"),
        "给作者的意见",
        "给委员会的保密意见",
        "所评审的版本",
    ]
    assert rows[1] == [
        s1.code,
        "图神经网络",
        "安",
        "ann@example.org",
        "已提交",
        "录用为口头报告",
        "高：该专题的专家",
        5,
        4,
        3,
        75,
        80,
        "=SUM(A1:A2) 很好",
        "@机密",
        None,
    ]
    assert rows[2][4:12] == ["已提交", "拒稿", "低：了解但非本领域", 1, 1, 1, 0, 0]
    assert rows[3][:12] == [s2.code, "+知识图谱", "安", "ann@example.org", "草稿", None, None, 4, None, None, 75, 75]


def test_the_reviews_export_names_criteria_in_english(data, conference, chair):
    rows = values(export(admin_client(chair, "en"), conference, "reviews"))

    assert rows[0][7:10] == ["Originality", "Significance", "Clarity"]
    assert rows[1][5] == "Accept as an oral presentation" and rows[2][5] == "Reject"


def test_the_reviews_export_names_the_phase_when_both_forms_exist(data, conference, chair):
    review_form_for(conference, "full_paper")

    rows = values(export(admin_client(chair), conference, "reviews"))

    assert rows[0][7:13] == [
        "摘要 · 创新性",
        "摘要 · 学术价值与重要性",
        "摘要 · 表述清晰度",
        "全文 · 创新性",
        "全文 · 学术价值与重要性",
        "全文 · 表述清晰度",
    ]
    assert rows[1][7:13] == [5, 4, 3, None, None, None]


def test_the_scores_export_sums_up_each_submission(data, conference, chair):
    s1, s2, s3, _s4 = data["s"]

    rows = values(export(admin_client(chair), conference, "scores"))

    assert rows[0] == [
        "稿件编号",
        gettext("title"),
        "专题",
        "稿件评审分组",
        gettext("submitted reviews"),
        "审稿分配",
        gettext("mean score (0–100)"),
        gettext("weighted score (0–100)"),
        gettext("spread"),
        gettext("reviewers disagree"),
        gettext("recommendations"),
        "决定",
        gettext("decision state"),
    ]
    assert rows[1:] == [
        [s1.code, "图神经网络", "机器学习", "第一组", 2, 2, 37.5, 40, 80, gettext("yes"), "录用为口头报告; 拒稿"]
        + ["录用为口头报告", pgettext("decision", "Pending")],
        [s2.code, "+知识图谱", "知识图谱", None, 0, 1, None, None, None, gettext("no"), None, None, None],
        [s3.code, "第三篇", "机器学习", None, 0, 0, None, None, None, gettext("no"), None, None, None],
    ]


def test_text_that_looks_like_a_formula_stays_text(data, conference, chair):
    sheet = export(admin_client(chair), conference, "reviews")

    comments, confidential = sheet.cell(row=2, column=13), sheet.cell(row=2, column=14)
    title = sheet.cell(row=4, column=2)

    for cell, text in ((comments, "=SUM(A1:A2) 很好"), (confidential, "@机密"), (title, "+知识图谱")):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert sheet.cell(row=2, column=1).quotePrefix is False


def test_the_group_filter_keeps_the_groups_submissions(data, conference, chair):
    s1 = data["s"][0]
    client = admin_client(chair)
    query = f"?group={data['group'].pk}"

    assignments = values(export(client, conference, "assignments", query))
    reviews = values(export(client, conference, "reviews", query))
    scores = values(export(client, conference, "scores", query))

    assert [row[0] for row in assignments[1:]] == [s1.code, s1.code]
    assert [row[0] for row in reviews[1:]] == [s1.code, s1.code]
    assert [row[0] for row in scores[1:]] == [s1.code]


def test_another_conferences_group_is_404(data, conference, chair):
    other = ConferenceFactory(slug="other2027", acronym="OTHER 2027")
    foreign = ReviewerGroup.objects.create(conference=other, name_zh="外组")
    url = reverse("review_transfer:export", args=[conference.pk, "scores"])
    client = admin_client(chair)

    assert client.get(f"{url}?group={foreign.pk}").status_code == 404
    assert client.get(f"{url}?group=x").status_code == 404
    assert client.get(reverse("review_transfer:export", args=[conference.pk, "people"])).status_code == 404


def test_a_chair_in_conflict_as_a_reviewer_never_gets_that_submission(data, conference, chair):
    s1, s2, _s3, _s4 = data["s"]
    own = answer_invitation(reviewer=invite_reviewer(conference=conference, email=chair.email, by=chair), accept=True)
    declare_conflict(reviewer=own, submission=s1, source=ConflictSource.REVIEWER, by=chair)
    client = admin_client(chair)

    for kind in ("assignments", "reviews", "scores"):
        rows = values(export(client, conference, kind))
        cells = [str(value) for row in rows for value in row]
        assert s1.code not in cells and "图神经网络" not in cells
        assert s2.code in cells


@pytest.mark.parametrize("kind", ["assignments", "reviews", "scores"])
def test_an_export_runs_the_same_queries_for_few_and_many_rows(
    data, conference, chair, make_reviewer, make_submission, kind
):
    client = admin_client(chair)
    url = reverse("review_transfer:export", args=[conference.pk, kind])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), len(values(openpyxl.load_workbook(io.BytesIO(response.content)).active))

    few, few_rows = count()
    criteria = data["criteria"]
    for n in range(4):
        reviewer = make_reviewer(f"more{n}@example.org")
        submission = make_submission([(f"x{n}@authors.example.net", "")], title=f"稿件{n}")
        assignment = assign(submission=submission, reviewer=reviewer, by=chair, due_at=DUE)
        save_review(assignment=assignment, user=reviewer.user, scores={c.pk: 3 for c in criteria})
        assign(submission=submission, reviewer=data["bob"], by=chair)
    many, many_rows = count()

    assert many_rows > few_rows
    assert many == few


def test_only_the_conferences_chairs_reach_the_screens(data, conference, chair):
    other = ConferenceFactory(slug="other2027", acronym="OTHER 2027")
    from cms.enums import Role
    from cms.services.conferences import grant_role

    other_chair = UserFactory(email="other.chair@example.org")
    grant_role(conference=other, user=other_chair, role=Role.REVIEW_CHAIR, notify=False)
    urls = [
        *[
            reverse("review_transfer:export", args=[conference.pk, kind])
            for kind in ("assignments", "reviews", "scores")
        ],
        reverse("review_transfer:import", args=[conference.pk]),
        reverse("review_transfer:import_template", args=[conference.pk]),
        reverse("review_forms:edit", args=[conference.pk, "abstract"]),
    ]

    for url in urls:
        assert admin_client(data["ann"].user).get(url).status_code == 404
        assert admin_client(other_chair).get(url).status_code == 404
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("wagtailadmin_login"))
    assert admin_client(chair).get(reverse("review_transfer:export", args=[other.pk, "scores"])).status_code == 404


# --- Import ------------------------------------------------------------------------------------


def xlsx(rows, header=("submission_code", "reviewer_email", "due_date")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    output.name = "assignments.xlsx"
    return output


@pytest.fixture
def import_setting(data, conference, chair, make_reviewer):
    s1, s2, s3, s4 = data["s"]
    cara = make_reviewer("cara@example.org")
    make_reviewer("dave@example.org", accept=False)
    eve = make_reviewer("eve@example.org")
    declare_conflict(reviewer=eve, submission=s3, source=ConflictSource.REVIEWER, by=eve.user)
    other = ConferenceFactory(slug="other2027", acronym="OTHER 2027")
    foreign = Submission.objects.create(
        conference=other, code="OTHER2027-0001", submitter=UserFactory(), abstract="x", state="submitted"
    )
    rows = [
        (s3.code, "cara@example.org", "2027-03-01"),  # 2: new, due at the end of the day
        (s3.code.lower(), " Cara@Example.org ", ""),  # 3: the same pair again
        ("NOPE-9999", "cara@example.org", ""),  # 4
        (foreign.code, "cara@example.org", ""),  # 5
        (s3.code, "nobody@example.org", ""),  # 6
        (s3.code, "dave@example.org", ""),  # 7
        (s3.code, "eve@example.org", ""),  # 8
        (s4.code, "cara@example.org", ""),  # 9
        (s2.code, "cara@example.org", "01/03/2027"),  # 10
        (s2.code, "ann@example.org", ""),  # 11: assigned already
        (None, None, None),  # an empty row is ignored
        (s2.code, "bob@example.org", datetime.datetime(2027, 4, 2)),  # 13: new, a date cell
    ]
    return {"rows": rows, "cara": cara, "eve": eve}


def upload(client, conference, file):
    return client.post(reverse("review_transfer:import", args=[conference.pk]), {"file": file})


def test_the_preview_shows_every_error_and_assigns_nothing(data, import_setting, conference, chair):
    s3, s4 = data["s"][2], data["s"][3]
    before = set(Assignment.objects.values_list("pk", flat=True))

    response = upload(admin_client(chair), conference, xlsx(import_setting["rows"]))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.number, row.status, row.errors) for row in rows] == [
        (2, "new", []),
        (3, "error", [gettext("The same submission and reviewer are in row %(row)d already.") % {"row": 2}]),
        (4, "error", [gettext("No submission has the code “%(code)s”.") % {"code": "NOPE-9999"}]),
        (5, "error", [gettext("Submission “%(code)s” belongs to another conference.") % {"code": "OTHER2027-0001"}]),
        (6, "error", [gettext("“%(email)s” is not a reviewer of this conference.") % {"email": "nobody@example.org"}]),
        (7, "error", ["该审稿人尚未接受邀请。"]),
        (8, "error", ["该审稿人与此稿件存在利益冲突。"]),
        (9, "error", ["此稿件不在可评审状态。"]),
        (10, "error", [gettext("Give the due date as YYYY-MM-DD.")]),
        (11, "existing", []),
        (13, "new", []),
    ]
    assert response.context["counts"] == {"new": 2, "existing": 1, "error": 8}
    assert response.context["token"]
    assert s3.code in response.content.decode() and s4.code in response.content.decode()
    assert set(Assignment.objects.values_list("pk", flat=True)) == before


def test_confirming_assigns_the_valid_rows_as_imported(data, import_setting, conference, chair):
    s2, s3 = data["s"][1], data["s"][2]
    client = admin_client(chair)
    token = upload(client, conference, xlsx(import_setting["rows"])).context["token"]
    count = Assignment.objects.count()

    response = client.post(reverse("review_transfer:import", args=[conference.pk]), {"token": token, "confirm": "1"})

    assert response.status_code == 302
    made = Assignment.objects.filter(method=AssignmentMethod.IMPORT).order_by("pk")
    assert [(a.submission, a.reviewer.user.email, a.due_at, a.created_by) for a in made] == [
        (s3, "cara@example.org", datetime.datetime(2027, 3, 1, 23, 59, 59, tzinfo=SHANGHAI), chair),
        (s2, "bob@example.org", datetime.datetime(2027, 4, 2, 23, 59, 59, tzinfo=SHANGHAI), chair),
    ]
    assert Assignment.objects.count() == count + 2
    assert ModelLogEntry.objects.filter(action="flock.review.assign", object_id=str(s3.pk)).count() == 1
    again = client.post(reverse("review_transfer:import", args=[conference.pk]), {"token": token, "confirm": "1"})
    assert again.status_code == 302 and Assignment.objects.count() == count + 2


def test_a_row_that_fails_since_the_preview_saves_nothing(data, import_setting, conference, chair):
    s2 = data["s"][1]
    client = admin_client(chair)
    token = upload(client, conference, xlsx(import_setting["rows"])).context["token"]
    declare_conflict(reviewer=data["bob"], submission=s2, source=ConflictSource.REVIEWER, by=data["bob"].user)
    count = Assignment.objects.count()

    response = client.post(reverse("review_transfer:import", args=[conference.pk]), {"token": token, "confirm": "1"})

    assert response.status_code == 409
    assert Assignment.objects.count() == count
    assert not Assignment.objects.filter(method=AssignmentMethod.IMPORT).exists()
    failed = [row for row in response.context["rows"] if row.number == 13]
    assert failed[0].errors == ["该审稿人与此稿件存在利益冲突。"]
    assert response.context["token"]  # a fresh preview, which the chair may confirm


def test_a_token_is_for_its_chair_and_conference_only(data, import_setting, conference, chair):
    client = admin_client(chair)
    token = upload(client, conference, xlsx(import_setting["rows"])).context["token"]
    other = ConferenceFactory(slug="other-b", acronym="OTHER B")
    from cms.enums import Role
    from cms.services.conferences import grant_role

    grant_role(conference=other, user=chair, role=Role.REVIEW_CHAIR, notify=False)

    elsewhere = client.post(reverse("review_transfer:import", args=[other.pk]), {"token": token, "confirm": "1"})
    forged = client.post(reverse("review_transfer:import", args=[conference.pk]), {"token": "abc", "confirm": "1"})

    assert elsewhere.status_code == 302 and forged.status_code == 302
    assert not Assignment.objects.filter(method=AssignmentMethod.IMPORT).exists()


def test_a_csv_file_is_imported_too(data, import_setting, conference, chair):
    s3 = data["s"][2]
    client = admin_client(chair)
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = f"submission_code,reviewer_email\n{s3.code},cara@example.org\n".encode()
    token = upload(client, conference, SimpleUploadedFile("a.csv", csv, content_type="text/csv")).context["token"]
    client.post(reverse("review_transfer:import", args=[conference.pk]), {"token": token, "confirm": "1"})

    assert list(Assignment.objects.filter(method=AssignmentMethod.IMPORT).values_list("submission", "due_at")) == [
        (s3.pk, None)
    ]


def test_a_file_without_the_columns_is_refused(data, conference, chair):
    response = upload(admin_client(chair), conference, xlsx([("x", "y")], header=("code_of_paper", "mail")))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        gettext("The file needs the columns submission_code and reviewer_email (due_date is optional).")
    ]
    assert "rows" not in response.context


def test_a_conflicted_chair_cannot_import_for_that_submission(data, import_setting, conference, chair):
    s3 = data["s"][2]
    own = answer_invitation(reviewer=invite_reviewer(conference=conference, email=chair.email, by=chair), accept=True)
    declare_conflict(reviewer=own, submission=s3, source=ConflictSource.REVIEWER, by=chair)

    response = upload(admin_client(chair), conference, xlsx([(s3.code, "cara@example.org", "")]))

    assert [row.errors for row in response.context["rows"]] == [
        [gettext("You have a conflict of interest with this submission: another chair must assign it.")]
    ]
    assert not response.context["token"]


def test_the_template_file_has_the_header_row(conference, chair):
    response = admin_client(chair).get(reverse("review_transfer:import_template", args=[conference.pk]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert values(sheet) == [["submission_code", "reviewer_email", "due_date"]]


def test_scores_are_decimals_on_the_scale(data):
    from reviewing.services.reviews import review_score

    review = Assignment.objects.get(submission=data["s"][0], reviewer=data["ann"]).review
    assert review_score(review, data["criteria"]) == (Decimal("75.0"), Decimal("80.0"))
