"""The discussion of a submission: its reviewers post from the review page and read each other
as "Reviewer N" (never by name, blind or not), the chairs read names and post from their screens,
and nobody else reads a word of it: not a reviewer in conflict, not an unassigned one, not the
authors. Empty messages and decided submissions are refused; the review page's queries do not
grow with the thread."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from reviewing.enums import ConflictSource, Outcome
from reviewing.exceptions import ReviewError
from reviewing.models import DiscussionPost
from reviewing.selectors import can_discuss, discussion_for
from reviewing.services.assignments import assign
from reviewing.services.conflicts import declare_conflict
from reviewing.services.decisions import record_decision, release_decision
from reviewing.services.discussion import post_message
from reviewing.viewsets.discussion import discussion_context
from submissions.viewsets.submissions import inspect_url

pytestmark = pytest.mark.django_db
SECRET = "第三节的实验不足以支持结论。"


def admin_client(user, language="en"):
    user.is_active = True
    user.save(update_fields=["is_active"])
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(user)
    return client


def review_url(assignment):
    return reverse("reviewer_panel:review", args=[assignment.pk])


def discuss_url(assignment):
    return reverse("reviewer_panel:discuss", args=[assignment.pk])


@pytest.fixture
def thread(make_reviewer, make_submission, chair):
    first = make_reviewer("first.reviewer@example.org")
    second = make_reviewer("second.reviewer@example.org")
    submission = make_submission([("li.hua@zju.example.edu.cn", "浙江大学")], title="图神经网络")
    assignments = [assign(submission=submission, reviewer=r, by=chair) for r in (first, second)]
    return submission, (first, second), assignments


def test_a_reviewer_posts_and_reads_it_on_the_review_page(thread):
    submission, (first, _second), (assignment, _other) = thread
    client = admin_client(first.user)

    response = client.post(discuss_url(assignment), {"body": f"  {SECRET}  "})
    page = client.get(review_url(assignment)).content.decode()

    assert response.status_code == 302 and response["Location"] == review_url(assignment) + "#discussion"
    post = DiscussionPost.objects.get()
    assert (post.submission, post.author, post.body) == (submission, first.user, SECRET)
    assert SECRET in page and "<strong>You</strong>" in page and "Your message is posted." in page
    entry = ModelLogEntry.objects.get(action="flock.review.discuss")
    assert (entry.object_id, entry.user_id, entry.data) == (str(submission.pk), first.user.pk, {"post": post.pk})


@pytest.mark.parametrize("double_blind", [False, True])
def test_another_reviewer_reads_a_number_and_the_chair_a_title_never_a_name(thread, chair, call, double_blind):
    submission, (first, second), (_assignment, theirs) = thread
    call.double_blind = double_blind
    call.save()
    post_message(submission=submission, user=first.user, body=SECRET)
    post_message(submission=submission, user=chair, body="请两位审稿人再看一下第四节。")

    page = admin_client(second.user).get(review_url(theirs)).content.decode()

    assert SECRET in page and "请两位审稿人再看一下第四节。" in page
    assert "<strong>Reviewer 1</strong>" in page and "<strong>Chair</strong>" in page
    for name in (first.user.name_zh, first.user.last_name, first.user.email, chair.name_zh, chair.last_name):
        assert name not in page
    with translation.override("en"):
        entries = [(e.name, e.role, e.own) for e in discussion_for(submission, second.user)]
    assert entries == [("Reviewer 1", "", False), ("Chair", "", False)]


def test_the_chair_reads_names_and_parts(thread, chair):
    submission, (first, second), _assignments = thread
    post_message(submission=submission, user=second.user, body="同意。")
    post_message(submission=submission, user=first.user, body=SECRET)
    post_message(submission=submission, user=chair, body="谢谢。")

    with translation.override("en"):
        context = discussion_context(submission, chair, "/admin/reviewing/")
        html = render_to_string("reviewing/components/discussion.html", context)

    assert [(e.name, e.role, e.body, e.own) for e in context["posts"]] == [
        (second.user.latin_name, "Reviewer 2", "同意。", False),
        (first.user.latin_name, "Reviewer 1", SECRET, False),
        (chair.latin_name, "Chair", "谢谢。", True),
    ]
    assert context["post_url"] == f"/admin/reviewing/discussion/{submission.pk}/"
    assert first.user.latin_name in html and SECRET in html and 'name="next" value="/admin/reviewing/"' in html


def test_a_reviewer_in_conflict_reads_and_writes_nothing(thread, make_reviewer):
    submission, (first, second), (assignment, theirs) = thread
    post_message(submission=submission, user=first.user, body=SECRET)
    declare_conflict(reviewer=second, submission=submission, source=ConflictSource.REVIEWER, by=second.user)
    client = admin_client(second.user)

    responses = [
        client.get(review_url(theirs)),
        client.post(discuss_url(theirs), {"body": "我也想说两句。"}),
        client.get(reverse("reviewer_panel:index")),
        client.get(review_url(assignment)),
    ]

    assert [r.status_code for r in responses] == [404, 404, 200, 404]
    assert all(SECRET not in r.content.decode() for r in responses)
    assert list(DiscussionPost.objects.values_list("body", flat=True)) == [SECRET]
    assert discussion_for(submission, second.user) == [] and not can_discuss(second.user, submission)
    with pytest.raises(PermissionDenied):
        post_message(submission=submission, user=second.user, body="我也想说两句。")


def test_an_unassigned_reviewer_gets_404(thread, make_reviewer):
    submission, (first, _second), (assignment, _theirs) = thread
    post_message(submission=submission, user=first.user, body=SECRET)
    stranger = make_reviewer("stranger@example.org")
    client = admin_client(stranger.user)

    seen = client.get(review_url(assignment))
    posted = client.post(discuss_url(assignment), {"body": "路过。"})

    assert (seen.status_code, posted.status_code) == (404, 404)
    assert SECRET not in seen.content.decode() and DiscussionPost.objects.count() == 1
    assert discussion_for(submission, stranger.user) == []


def test_the_authors_never_read_the_discussion(thread):
    submission, (first, _second), _assignments = thread
    post_message(submission=submission, user=first.user, body=SECRET)
    author = Client()
    author.force_login(submission.submitter)

    pages = [
        author.get(reverse("submissions:detail", kwargs={"conference_slug": "ncic2027", "code": submission.code})),
        author.get(reverse("submissions:mine", kwargs={"conference_slug": "ncic2027"})),
    ]

    assert [p.status_code for p in pages] == [200, 200] and submission.code in pages[0].content.decode()
    assert all(SECRET not in p.content.decode() for p in pages)
    assert not can_discuss(submission.submitter, submission) and discussion_for(submission, submission.submitter) == []


def test_an_empty_message_is_refused_with_a_clear_message(thread):
    submission, (first, _second), (assignment, _theirs) = thread
    client = admin_client(first.user)

    response = client.post(discuss_url(assignment), {"body": "   \n "})

    assert response.status_code == 400
    assert "Write a message before posting it." in response.content.decode()
    assert not DiscussionPost.objects.exists()
    with pytest.raises(ValidationError) as too_long:
        post_message(submission=submission, user=first.user, body="长" * 10001)
    [problem] = too_long.value.error_dict["body"]
    assert problem.code == "max_length" and "10000" in problem.message and "10001" in problem.message
    assert not DiscussionPost.objects.exists()


def test_a_decided_submission_closes_its_discussion(thread, chair):
    submission, (first, _second), (assignment, _theirs) = thread
    release_decision(decision=record_decision(submission=submission, outcome=Outcome.REJECT, by=chair), by=chair)
    client = admin_client(first.user)

    with pytest.raises(ReviewError):
        post_message(submission=submission, user=chair, body="补充一句。")
    response = client.post(discuss_url(assignment), {"body": "补充一句。"}, follow=True)

    page = response.content.decode()
    assert not DiscussionPost.objects.exists()
    assert "This submission is decided: its discussion is closed." in page and 'name="body"' not in page


def test_the_chair_posts_and_is_never_sent_off_site(thread, chair):
    submission, (first, _second), _assignments = thread
    client = admin_client(chair)
    url = reverse("review_discussion_post", args=[submission.pk])

    foreign = client.post(url, {"body": "请尽快提交评审。", "next": "https://evil.example.com/admin/"})
    sneaky = client.post(url, {"body": "第二条。", "next": "//evil.example.com/"})
    local = client.post(url, {"body": "第三条。", "next": "/admin/reviews/mine/"})
    outsider = admin_client(first.user).post(url, {"body": "我不是主席。"})

    assert (foreign["Location"], sneaky["Location"]) == (inspect_url(submission), inspect_url(submission))
    assert local["Location"] == "/admin/reviews/mine/"
    assert outsider.status_code == 404
    assert list(DiscussionPost.objects.values_list("author__email", "body")) == [
        ("chair@example.org", "请尽快提交评审。"),
        ("chair@example.org", "第二条。"),
        ("chair@example.org", "第三条。"),
    ]


def test_the_review_page_runs_the_same_queries_for_2_and_12_messages(thread, chair):
    submission, (first, second), (assignment, _theirs) = thread
    client = admin_client(first.user)
    writers = [first.user, chair, second.user]

    def count(messages):
        while DiscussionPost.objects.count() < messages:
            n = DiscussionPost.objects.count()
            post_message(submission=submission, user=writers[n % 3], body=f"意见 {n}")
        client.get(review_url(assignment))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(review_url(assignment))
        assert len(response.context["posts"]) == messages
        return len(queries)

    assert count(2) == count(12)
