"""The author's pages: the call for papers, a new submission with its authors, My submissions,
one submission with every version of its files, uploads streamed and bounded, submitting and
withdrawing; confirmation mail in the author's language; and nobody opens what is not theirs."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from cms.enums import Role
from cms.models import ConferenceRole, EmailLog
from submissions.enums import LatePolicy, SubmissionState
from submissions.models import Submission, SubmissionFile, Topic
from submissions.services.decisions import accept_submission
from submissions.services.submitting import add_file, start_submission, submit_submission
from tests.factories import UserFactory
from tests.http import read_and_close
from tests.submissions.conftest import authors, pdf_upload, submission_data

pytestmark = pytest.mark.django_db

CFP = "/{lang}/_submit/ncic2027/"
NEW = "/zh-hans/_submit/ncic2027/new/"
MINE = "/zh-hans/_my/ncic2027/submissions/"


def one(code, rest=""):
    return f"/zh-hans/_my/ncic2027/submissions/{code}/{rest}"


def text(response):
    content = re.sub(r"<(script|style|template)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


def author_rows(people):
    """The formset's fields for ``people`` (dicts as the services take them), in that order."""
    data = {
        "authors-TOTAL_FORMS": str(len(people)),
        "authors-INITIAL_FORMS": "1",
        "authors-MIN_NUM_FORMS": "1",
        "authors-MAX_NUM_FORMS": "30",
    }
    for index, person in enumerate(people):
        for name, value in person.items():
            if isinstance(value, bool):
                if value:
                    data[f"authors-{index}-{name}"] = "on"
            else:
                data[f"authors-{index}-{name}"] = value
        data.setdefault(f"authors-{index}-ORDER", str(index + 1))
    return data


def form_data(chosen_topic, people=None, **changes):
    return {**submission_data(chosen_topic, **changes), **author_rows(people if people is not None else authors(3))}


@pytest.fixture
def author(author_user):
    client = Client()
    client.force_login(author_user)
    return client


@pytest.fixture
def draft(conference, call, topics, author_user):
    return start_submission(
        conference=conference, user=author_user, data=submission_data(topics[0]), authors=authors(2)
    )


# The call for papers ------------------------------------------------------------------------------


def test_call_for_papers_shows_deadlines_in_the_conference_time_zone_and_the_topics(client, call, topics):
    closes = call.abstract_closes_at.astimezone(call.conference.tz)

    chinese = client.get(CFP.format(lang="zh-hans"))
    english = client.get(CFP.format(lang="en"))

    assert chinese.status_code == english.status_code == 200
    assert f"{closes:%Y-%m-%d %H:%M}" in text(chinese)
    assert "机器学习" in text(chinese) and "知识图谱" in text(chinese)
    assert "Machine learning" in text(english) and "Asia/Shanghai" in text(english)
    assert 'href="/en/_submit/ncic2027/new/"' in english.content.decode()


def test_call_for_papers_shows_a_changed_topic_at_once(client, call, topics):
    client.get(CFP.format(lang="en"))
    Topic.objects.filter(pk=topics[0].pk).update(name_en="Deep learning")
    topics[0].name_en = "Deep learning"
    topics[0].save()

    assert "Deep learning" in text(client.get(CFP.format(lang="en")))


def test_call_for_papers_hides_the_start_button_after_a_refusing_deadline(client, call, topics):
    call.abstract_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()

    page = client.get(CFP.format(lang="en"))

    assert "/_submit/ncic2027/new/" not in page.content.decode()
    assert "Closed" in text(page)


def test_the_anonymous_page_cache_never_shows_a_deadline_that_has_passed(client, call, topics, settings):
    settings.PAGE_CACHE_SECONDS = 600
    far = client.get(CFP.format(lang="en"))
    far_again = client.get(CFP.format(lang="en"))
    call.abstract_closes_at = timezone.now() + datetime.timedelta(minutes=5)
    call.save()

    near = client.get(CFP.format(lang="en"))
    near_again = client.get(CFP.format(lang="en"))

    assert (far["X-Flock-Cache"], far_again["X-Flock-Cache"]) == ("miss", "hit")
    assert "private" in near["Cache-Control"]
    assert "X-Flock-Cache" not in near_again


# A new submission ---------------------------------------------------------------------------------


def test_new_submission_sends_a_visitor_to_log_in_first(client, call):
    response = client.get(NEW)

    assert response.status_code == 302
    assert response["Location"].startswith("/zh-hans/accounts/login/") or "login" in response["Location"]
    assert "next=%2Fzh-hans%2F_submit%2Fncic2027%2Fnew%2F" in response["Location"]


def test_new_submission_prefills_the_person_as_first_author(author, call, topics):
    page = author.get(NEW).content.decode()

    assert 'name="authors-0-email"' in page and 'value="li.hua@example.edu.cn"' in page


def test_submitting_with_two_co_authors_saves_them_in_the_order_shown_and_mails_in_chinese(
    author, author_user, call, topics, mailoutbox, django_capture_on_commit_callbacks
):
    people = authors(3)
    rows = form_data(topics[1], people, submit="1")
    rows["authors-0-ORDER"], rows["authors-2-ORDER"] = "3", "1"  # 王强 moved to the top

    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(NEW, rows)

    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == one(submission.code)
    assert f"稿件 {submission.code} 已提交" in text(author.get(response["Location"]))
    assert (submission.state, submission.topic, submission.submitter) == (
        SubmissionState.SUBMITTED,
        topics[1],
        author_user,
    )
    assert list(submission.authors.values_list("position", "name", "presenting", "corresponding")) == [
        (1, "王强", False, True),
        (2, "Emma Schmidt", False, False),
        (3, "李华", True, False),
    ]
    assert [message.to for message in mailoutbox] == [["li.hua@example.edu.cn"], ["wang.qiang@example.edu.cn"]]
    assert mailoutbox[0].subject == f"[NCIC 2027] 稿件 {submission.code} 已收到"
    assert submission.title_zh in mailoutbox[0].body and one(submission.code) in mailoutbox[0].body
    assert set(EmailLog.objects.values_list("template_key", "language")) == {("submissions.received", "zh-hans")}


def test_saving_a_draft_sends_no_mail(author, call, topics, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        author.post(NEW, form_data(topics[0], draft="1"))

    assert Submission.objects.get().state == SubmissionState.DRAFT
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("changes", "people", "message"),
    [
        ({"title_zh": "", "title_en": ""}, None, "请填写中文标题、英文标题或两者"),
        ({"title_en": "x" * 5000}, None, "300"),
        ({}, [{"name": f"作者{n}", "email": f"a{n}@example.org"} for n in range(300)], "最多 30 位作者"),
        (
            {},
            [{"name": "李华", "email": "same@example.org"}, {"name": "王强", "email": "same@example.org"}],
            "每位作者",
        ),
        ({"topic": "999999"}, None, "topic"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(author, call, topics, changes, people, message):
    response = author.post(NEW, form_data(topics[0], people, submit="1", **changes))

    assert response.status_code == 200
    assert Submission.objects.count() == 0
    if message == "topic":
        assert 'name="topic"' in response.content.decode() and "errorlist" in response.content.decode()
    else:
        assert message in text(response)


def test_new_submission_after_a_refusing_deadline_is_refused_with_the_deadline(author, call, topics):
    call.abstract_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.late_policy = LatePolicy.REFUSE
    call.save()

    response = author.post(NEW, form_data(topics[0], submit="1"), follow=True)

    assert Submission.objects.count() == 0
    assert "摘要投稿已于" in text(response) and "截止" in text(response) and "Asia/Shanghai" in text(response)


def test_the_per_person_limit_stops_a_new_submission(author, author_user, call, topics, draft):
    call.max_per_person = 1
    call.save()

    response = author.post(NEW, form_data(topics[0], submit="1"), follow=True)

    assert Submission.objects.count() == 1
    assert "上限" in text(response)


# My submissions and one submission ----------------------------------------------------------------


def test_my_submissions_lists_code_title_topic_state_and_files(author, author_user, draft):
    add_file(submission=draft, user=author_user, uploaded=pdf_upload("初稿.pdf"))

    page = text(author.get(MINE))

    assert draft.code in page and draft.title_zh in page and "机器学习" in page
    assert "草稿" in page and "论文 v1" in page


def test_my_submissions_runs_the_same_queries_for_one_and_for_ten(author, author_user, conference, call, topics):
    def make(count):
        for _ in range(count):
            submission = start_submission(
                conference=conference, user=author_user, data=submission_data(topics[0]), authors=authors(3)
            )
            add_file(submission=submission, user=author_user, uploaded=pdf_upload())

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make(1)
    author.get(MINE)
    with CaptureQueriesContext(connection) as small:
        author.get(MINE)
    make(9)
    with CaptureQueriesContext(connection) as large:
        author.get(MINE)

    assert len(small) == len(large)


def test_uploading_a_revision_keeps_both_versions_listed_and_mails_each(
    author, author_user, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        author.post(one(draft.code, "upload/"), {"kind": "paper", "file": pdf_upload("初稿.pdf")})
        author.post(one(draft.code, "submit/"))
        response = author.post(one(draft.code, "upload/"), {"kind": "paper", "file": pdf_upload("修改稿.pdf")})

    assert response.status_code == 302
    files = list(SubmissionFile.objects.filter(submission=draft).values_list("revision", "original_name"))
    assert files == [(2, "修改稿.pdf"), (1, "初稿.pdf")]
    page = text(author.get(one(draft.code)))
    assert "v2" in page and "v1" in page and "修改稿.pdf" in page and "初稿.pdf" in page
    keys = list(
        EmailLog.objects.filter(recipient=author_user.email).order_by("id").values_list("template_key", flat=True)
    )
    assert keys == ["submissions.received", "submissions.file_added"]
    assert "修改稿.pdf" in mailoutbox[-1].body and "版本 2" in mailoutbox[-1].body


def test_a_file_is_downloaded_under_its_name_with_its_content(author, author_user, draft):
    stored = add_file(submission=draft, user=author_user, uploaded=pdf_upload("论文.pdf"))

    response = author.get(one(draft.code, f"files/{stored.pk}/"))

    assert response.status_code == 200
    assert read_and_close(response).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "private" in response["Cache-Control"]
    assert stored.file.name.startswith("submissions/") and "论文" not in stored.file.name


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("paper.pdf", b"<html><body>hello</body></html>"), "请上传以下类型之一的文件：PDF"),
        (SimpleUploadedFile("paper.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100), "请上传以下类型之一的文件：PDF"),
        (SimpleUploadedFile("paper.pdf", b""), "空文件"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_stored(author, draft, upload, message):
    response = author.post(one(draft.code, "upload/"), {"kind": "paper", "file": upload})

    assert response.status_code == 400
    assert message in text(response)
    assert SubmissionFile.objects.count() == 0


def test_a_file_over_the_limit_is_stopped_while_it_streams(author, call, draft, settings, tmp_path):
    call.abstract_max_size_mb = 1
    call.full_paper_max_size_mb = 1
    call.save()

    response = author.post(one(draft.code, "upload/"), {"kind": "paper", "file": pdf_upload(size=1024 * 1024 + 10)})

    assert response.status_code == 400
    assert "文件过大：最大 1 MB" in text(response) and "1 MB" in text(response)
    assert SubmissionFile.objects.count() == 0


def test_a_file_name_with_a_path_and_control_characters_is_cleaned(author, draft):
    author.post(one(draft.code, "upload/"), {"kind": "paper", "file": pdf_upload("../../etc/pa\u202eper\x07.pdf")})

    assert SubmissionFile.objects.get().original_name == "paper.pdf"


def test_after_the_final_decision_nothing_can_be_changed(author, author_user, draft, superuser):
    submit_submission(submission=draft, user=author_user)
    accept_submission(submission=draft, user=superuser, presentation="poster")

    edit = author.post(one(draft.code, "edit/"), form_data(draft.topic, title_zh="改过的题目"), follow=True)
    upload = author.post(one(draft.code, "upload/"), {"kind": "paper", "file": pdf_upload()}, follow=True)
    withdraw = author.post(one(draft.code, "withdraw/"), follow=True)

    draft.refresh_from_db()
    assert draft.title_zh != "改过的题目" and draft.state == SubmissionState.ACCEPTED_POSTER
    assert SubmissionFile.objects.count() == 0
    assert "不能再修改" in text(edit) and "不能再修改" in text(upload) and "不能撤回" in text(withdraw)


def test_editing_changes_the_text_and_the_authors(author, draft, topics):
    people = authors(2)
    people[1]["name"] = "Emma Schmidt-Weber"

    response = author.post(one(draft.code, "edit/"), form_data(topics[1], people, title_zh="新的题目"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_zh, draft.topic) == ("新的题目", topics[1])
    assert list(draft.authors.values_list("name", flat=True)) == ["李华", "Emma Schmidt-Weber"]


def test_withdrawing_asks_first_then_withdraws(author, draft):
    question = author.get(one(draft.code, "withdraw/"))
    response = author.post(one(draft.code, "withdraw/"))

    assert "撤回" in text(question)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == SubmissionState.WITHDRAWN


# Nobody opens what is not theirs ------------------------------------------------------------------


def test_someone_else_gets_404_for_every_page_and_file_of_a_submission(author_user, draft):
    stored = add_file(submission=draft, user=author_user, uploaded=pdf_upload())
    stranger = Client()
    stranger.force_login(UserFactory(email="stranger@example.org"))

    addresses = ["", "edit/", "withdraw/", f"files/{stored.pk}/"]
    answers = [stranger.get(one(draft.code, rest)).status_code for rest in addresses]
    answers += [stranger.post(one(draft.code, rest)).status_code for rest in ("submit/", "withdraw/", "upload/")]

    assert answers == [404] * 7
    draft.refresh_from_db()
    assert draft.state == SubmissionState.DRAFT


def test_a_file_id_of_another_submission_is_404(author, author_user, conference, topics, draft):
    other_user = UserFactory(email="other@example.org")
    other = start_submission(
        conference=conference, user=other_user, data=submission_data(topics[0]), authors=authors(1)
    )
    foreign = add_file(submission=other, user=other_user, uploaded=pdf_upload())

    assert author.get(one(draft.code, f"files/{foreign.pk}/")).status_code == 404


def test_a_co_author_with_an_account_reads_but_cannot_change(author_user, draft):
    stored = add_file(submission=draft, user=author_user, uploaded=pdf_upload())
    co_author = Client()
    co_author.force_login(UserFactory(email="emma@tum.example.de"))

    assert draft.code in text(co_author.get(MINE))
    assert co_author.get(one(draft.code)).status_code == 200
    response = co_author.get(one(draft.code, f"files/{stored.pk}/"))
    assert (response.status_code, read_and_close(response)[:5]) == (200, b"%PDF-")
    assert co_author.get(one(draft.code, "edit/")).status_code == 404
    assert co_author.post(one(draft.code, "withdraw/")).status_code == 404


def test_the_conference_organizer_downloads_files_but_another_conference_organizer_does_not(
    author_user, conference, draft
):
    from tests.factories import ConferenceFactory

    stored = add_file(submission=draft, user=author_user, uploaded=pdf_upload())
    organizer = UserFactory(email="organizer@example.org")
    ConferenceRole.objects.create(user=organizer, conference=conference, role=Role.ORGANIZER)
    outsider = UserFactory(email="outsider@example.org")
    ConferenceRole.objects.create(user=outsider, conference=ConferenceFactory(slug="other"), role=Role.ORGANIZER)
    clients = []
    for user in (organizer, outsider):
        client = Client()
        client.force_login(user)
        clients.append(client)

    response = clients[0].get(one(draft.code, f"files/{stored.pk}/"))
    assert (response.status_code, read_and_close(response)[:5]) == (200, b"%PDF-")
    assert clients[1].get(one(draft.code, f"files/{stored.pk}/")).status_code == 404


def test_pages_work_in_english_too(author_user, draft):
    client = Client()
    client.force_login(author_user)
    with translation.override("en"):
        page = client.get(f"/en/_my/ncic2027/submissions/{draft.code}/")

    assert page.status_code == 200
    assert "Draft" in text(page) and "Knowledge distillation for large models" in text(page)


def test_accepted_work_takes_a_camera_ready_version_until_its_deadline(author, author_user, call, draft, superuser):
    call.camera_ready_enabled = True
    call.camera_ready_closes_at = timezone.now() + datetime.timedelta(days=3)
    call.save()
    submit_submission(submission=draft, user=author_user)
    accept_submission(submission=draft, user=superuser, presentation="oral")

    page = author.get(one(draft.code))
    response = author.post(one(draft.code, "upload/"), {"kind": "camera_ready", "file": pdf_upload("终稿.pdf")})
    refused_paper = author.post(one(draft.code, "upload/"), {"kind": "paper", "file": pdf_upload()})

    assert 'value="camera_ready"' in page.content.decode() and 'value="paper"' not in page.content.decode()
    assert response.status_code == 302
    assert list(SubmissionFile.objects.values_list("kind", "original_name")) == [("camera_ready", "终稿.pdf")]
    assert refused_paper.status_code == 400 and SubmissionFile.objects.count() == 1

    call.camera_ready_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()
    late = author.post(one(draft.code, "upload/"), {"kind": "camera_ready", "file": pdf_upload()}, follow=True)

    assert SubmissionFile.objects.count() == 1
    assert "终稿投稿已于" in text(late) and "截止" in text(late)
