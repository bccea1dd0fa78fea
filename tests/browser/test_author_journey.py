"""A new author submits to the demo conference in Chinese, in a real browser.

He opens the call for papers, is asked to log in, signs up and confirms his address from the mail
he receives, starts a submission with two co-authors (added with the form's button, one moved up),
submits it, uploads the paper, uploads a revised version, and sees both versions listed; the
confirmation mails arrive in Chinese.
"""

import re
from pathlib import Path

import pytest
from django.core import mail

pytestmark = pytest.mark.browser

EMAIL = "zhang.wei@example.edu.cn"
PASSWORD = "author-pass-2027"
CALL = "/zh-hans/_submit/ncic2027/"


def test_new_author_submits_an_abstract_with_two_co_authors_and_revises_the_paper(
    page, demo_site, screenshot, tmp_path
):
    from playwright.sync_api import expect

    from cms.models import User
    from submissions.demo import pdf_document
    from submissions.enums import SubmissionState
    from submissions.models import Submission

    url = demo_site

    # The call for papers: deadlines in Shanghai time, topics; starting needs an account.
    page.goto(url(CALL))
    expect(page.locator("h1.page-title")).to_have_text("征稿通知")
    expect(page.locator(".cfp-phases")).to_contain_text("2027-01-10 00:00")
    screenshot("01-call-for-papers")
    page.get_by_role("link", name="开始投稿").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/_account/login/\?"))
    page.locator("a[href*='/_account/signup/']").first.click()
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator(".account-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/_account/signup/sent/"))
    [message] = [message for message in mail.outbox if message.to == [EMAIL]]
    [link] = re.findall(r"https?://\S+/_account/confirm/\S+", message.body)
    page.goto(url(re.sub(r"^https?://[^/]+", "", link)))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/_account/login/"))
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator(".account-form button[type=submit]").click()
    expect(page.locator("header")).to_be_visible()

    # The form: his address is the first author; two co-authors are added, the last moved up.
    page.goto(url(CALL))
    page.get_by_role("link", name="开始投稿").click()
    expect(page.locator("h1.page-title")).to_have_text("新投稿")
    expect(page.locator("input[name='authors-0-email']")).to_have_value(EMAIL)
    page.fill("input[name=title_zh]", "基于图神经网络的蛋白质结构预测")
    page.fill("input[name=title_en]", "Protein structure prediction with graph neural networks")
    page.fill(
        "textarea[name=abstract]", "本文提出一种基于图神经网络的蛋白质结构预测方法，在公开数据集上取得了领先的结果。"
    )
    page.fill("input[name=keywords]", "图神经网络; 蛋白质结构")
    page.select_option("select[name=topic]", label="知识图谱与推理")
    page.select_option("select[name=presentation_preference]", value="poster")
    page.fill("input[name='authors-0-name']", "张伟")
    page.fill("input[name='authors-0-affiliation']", "复旦大学")
    page.select_option("select[name='authors-0-country']", value="CN")
    page.locator("input[name='authors-0-presenting']").check()
    for index, (name, email, affiliation, country) in enumerate(
        [
            ("Maria Rossi", "maria.rossi@example.it", "Politecnico di Milano", "IT"),
            ("刘洋", "liu.yang@example.edu.cn", "浙江大学", "CN"),
        ],
        start=1,
    ):
        page.get_by_role("button", name="添加作者").click()
        page.fill(f"input[name='authors-{index}-name']", name)
        page.fill(f"input[name='authors-{index}-email']", email)
        page.fill(f"input[name='authors-{index}-affiliation']", affiliation)
        page.select_option(f"select[name='authors-{index}-country']", value=country)
    page.locator("[data-author-row]").nth(2).get_by_role("button", name="将该作者上移").click()
    expect(page.locator("[data-author-row]").nth(1).locator("input[name$='-name']")).to_have_value("刘洋")
    page.locator("[data-author-row]").nth(1).locator("input[name$='-corresponding']").check()
    screenshot("02-form")
    page.get_by_role("button", name="保存并提交").click()

    submission = Submission.objects.get(submitter__email=EMAIL)
    expect(page).to_have_url(re.compile(rf"/zh-hans/_my/ncic2027/submissions/{submission.code}/$"))
    expect(page.locator(".attendance-messages")).to_contain_text(f"您的稿件 {submission.code} 已提交")
    assert submission.state == SubmissionState.SUBMITTED
    assert list(submission.authors.values_list("name", "presenting", "corresponding")) == [
        ("张伟", True, False),
        ("刘洋", False, True),
        ("Maria Rossi", False, False),
    ]

    # The paper, then a revised version: both are listed, the newest first.
    first = tmp_path / "蛋白质结构预测.pdf"
    first.write_bytes(pdf_document([submission.code, "Protein structure prediction", "Version 1"]))
    page.select_option("select[name=kind]", value="paper")
    page.set_input_files("input[name=file]", str(first))
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".attendance-messages")).to_contain_text("版本 1")
    revised = tmp_path / "蛋白质结构预测-修改稿.pdf"
    revised.write_bytes(pdf_document([submission.code, "Protein structure prediction", "Version 2, revised"]))
    page.select_option("select[name=kind]", value="paper")
    page.set_input_files("input[name=file]", str(revised))
    page.get_by_role("button", name="上传", exact=True).click()
    rows = page.locator(".file-versions tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("v2")
    expect(rows.nth(0)).to_contain_text("蛋白质结构预测-修改稿.pdf")
    expect(rows.nth(1)).to_contain_text("v1")
    expect(rows.nth(1)).to_contain_text("蛋白质结构预测.pdf")
    screenshot("03-two-versions")
    with page.expect_download() as download:
        rows.nth(1).get_by_role("link").click()
    assert download.value.suggested_filename == "蛋白质结构预测.pdf"
    assert Path(download.value.path()).read_bytes() == first.read_bytes()

    # My submissions lists it; every mail to him is in Chinese.
    page.goto(url("/zh-hans/_my/ncic2027/submissions/"))
    expect(page.locator(".submission-list")).to_contain_text(submission.code)
    expect(page.locator(".submission-list")).to_contain_text("论文 v2")
    screenshot("04-my-submissions")
    subjects = [message.subject for message in mail.outbox if message.to == [EMAIL]]
    assert f"[NCIC 2027] 稿件 {submission.code} 已收到" in subjects
    assert subjects.count(f"[NCIC 2027] 稿件 {submission.code} 的新版本已收到") == 2
    assert User.objects.get(email=EMAIL).submissions.count() == 1
