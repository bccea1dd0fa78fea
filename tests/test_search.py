import html as html_lib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction

from conference_pages.models import ArticlePage, ColumnPage, ConferenceHomePage
from conference_pages.services import add_page, translate_page
from search.models import SearchEntry
from search.services import index_page, page_text
from search.text import SearchQuery, excerpt, highlight, parse_query

pytestmark = pytest.mark.django_db


def home(conference, language):
    return ConferenceHomePage.objects.get(conference=conference, locale__language_code=language)


def column(conference, language, slug):
    return ColumnPage.objects.child_of(home(conference, language)).get(slug=slug)


def paragraph(html):
    return [{"type": "paragraph", "value": html}]


def add_article(parent, *, title, slug, body, **fields):
    return add_page(parent, ArticlePage(title=title, slug=slug, body=paragraph(body), locale=parent.locale, **fields))


def translate(page, *, title, body, **fields):
    return translate_page(page, Locale.objects.get(language_code="en"), title=title, body=paragraph(body), **fields)


def search(client, query, *, language="zh-hans", slug="ncic2027", **params):
    return client.get(f"/{language}/_search/{slug}/", {"q": query, **params})


def results(response):
    """(address, title text, breadcrumb text) of each result, in order."""
    found = []
    for item in re.findall(r'<li class="search-result">(.*?)</li>', response.content.decode(), flags=re.S):
        url, title = re.search(r'<h2 class="search-result-title"><a href="([^"]*)">(.*?)</a></h2>', item).groups()
        path = re.search(r'<p class="search-result-path">(.*?)</p>', item)
        crumbs = re.sub(r"<span[^>]*>.*?</span>", "", path.group(1)) if path else ""
        found.append((url, html_lib.unescape(re.sub(r"<[^>]+>", "", title)), html_lib.unescape(crumbs)))
    return found


def titles(response):
    return [title for _url, title, _crumbs in results(response)]


@pytest.fixture
def ai_article(conference):
    about = column(conference, "zh-hans", "about")
    page = add_article(
        about, title="专题报告", slug="talks", body="<p>本届会议讨论人工智能与机器学习在科学发现中的应用。</p>"
    )
    translate(page, title="Keynote Talks", body="<p>Machine Learning for scientific discovery.</p>")
    return page


@pytest.mark.smoke
def test_chinese_text_is_found_by_substring(client, ai_article):
    response = search(client, "智能")

    assert response.status_code == 200
    # Pages with the words in their title come first, then the others in the order of the site.
    assert results(response) == [
        ("/zh-hans/ncic2027/", "第十届全国智能计算学术会议", ""),
        ("/zh-hans/ncic2027/about/talks/", "专题报告", "首页 › 会议简介"),
    ]
    assert titles(search(client, "器学")) == ["专题报告"]


@pytest.mark.smoke
def test_english_words_match_case_insensitively_and_all_must_match(client, conference, ai_article):
    program = column(conference, "zh-hans", "program")
    workshops = add_article(program, title="研讨会", slug="workshops", body="<p>动手实践</p>")
    translate(workshops, title="Learning Workshops", body="<p>Hands-on sessions.</p>")

    assert titles(search(client, "machine LEARNING", language="en")) == ["Keynote Talks"]
    assert titles(search(client, "learning", language="en")) == ["Learning Workshops", "Keynote Talks"]
    assert titles(search(client, "machine workshops", language="en")) == []
    assert results(search(client, "hands-ON", language="en")) == [
        ("/en/ncic2027/program/workshops/", "Learning Workshops", "Home › Program")
    ]


def test_full_width_letters_and_ideographic_spaces_are_understood(client, ai_article):
    assert titles(search(client, "ＭＡＣＨＩＮＥ\u3000discovery", language="en")) == ["Keynote Talks"]


def test_results_are_limited_to_the_conference_and_the_language(client, make_conference, conference):
    other = make_conference(slug="other2027")
    for owner, slug in [(conference, "ours"), (other, "theirs")]:
        about = column(owner, "zh-hans", "about")
        page = add_article(about, title=f"量子计算 {slug}", slug=slug, body="<p>量子计算专题</p>")
        translate(page, title=f"Quantum computing {slug}", body="<p>Quantum computing session.</p>")

    assert titles(search(client, "量子")) == ["量子计算 ours"]
    assert titles(search(client, "quantum", language="en")) == ["Quantum computing ours"]
    assert titles(search(client, "量子", language="en")) == []
    assert titles(search(client, "quantum", slug="other2027", language="en")) == ["Quantum computing theirs"]


def test_unpublished_page_is_not_found_until_published_again(client, ai_article):
    ai_article.unpublish()

    assert titles(search(client, "器学")) == []
    assert not SearchEntry.objects.filter(page=ai_article).exists()

    ai_article.get_latest_revision().publish()

    assert titles(search(client, "器学")) == ["专题报告"]


def test_page_in_a_private_section_is_not_found(client, conference, ai_article):
    PageViewRestriction.objects.create(
        page=column(conference, "zh-hans", "about"), restriction_type=PageViewRestriction.PASSWORD, password="x"
    )

    assert titles(search(client, "器学")) == []
    assert titles(search(client, "machine", language="en")) == ["Keynote Talks"]


def test_deleted_page_leaves_the_index(client, ai_article):
    ai_article.delete()

    assert titles(search(client, "器学")) == []
    assert not SearchEntry.objects.filter(title="专题报告").exists()


def test_moved_page_is_found_in_its_new_conference_with_its_new_breadcrumb(client, make_conference, ai_article):
    other = make_conference(slug="other2027")

    ai_article.move(column(other, "zh-hans", "program"), pos="last-child")

    assert titles(search(client, "器学")) == []
    assert results(search(client, "器学", slug="other2027")) == [
        ("/zh-hans/other2027/program/talks/", "专题报告", "首页 › 会议日程")
    ]


def test_renamed_column_shows_in_the_breadcrumb_at_once(client, conference, ai_article):
    about = column(conference, "zh-hans", "about")
    about.title = "关于会议"
    about.save_revision().publish()

    assert results(search(client, "器学"))[0][2] == "首页 › 关于会议"


def test_match_is_highlighted_and_everything_else_escaped(client, conference):
    about = column(conference, "zh-hans", "about")
    add_article(
        about,
        title="<i>标记</i> 人工智能",
        slug="markup",
        body="<p>论文中请勿使用 &lt;script&gt; 与人工智能生成的图片。</p>",
    )

    html = search(client, "人工智能 script").content.decode()

    assert (
        '<h2 class="search-result-title"><a href="/zh-hans/ncic2027/about/markup/">'
        "&lt;i&gt;标记&lt;/i&gt; <mark>人工智能</mark></a></h2>"
    ) in html
    assert (
        '<p class="search-result-excerpt">论文中请勿使用 &lt;<mark>script</mark>&gt; 与<mark>人工智能</mark>生成的图片。</p>'
    ) in html
    assert "<script>" not in html and "<i>标记" not in html


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "Type one or more words; pages containing all of them are listed."),
        ("智能" * 1000, "Only the first 200 characters of your search were used."),
        ("<script>alert(1)</script>", "No page contains “&lt;script&gt;alert(1)&lt;/script&gt;”."),
        ("a\x00b\x07c", "No page contains “a b c”."),
    ],
)
def test_bad_queries_show_a_normal_results_page(client, conference, query, expected):
    response = search(client, query, language="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    assert "<script>alert" not in html
    value = re.search(r'id="search-page-q" name="q" maxlength="200" value="([^"]*)"', html).group(1)
    assert html_lib.unescape(value) == parse_query(query).text
    assert len(html_lib.unescape(value)) <= 200


def test_long_query_is_cut_to_200_characters_and_still_searched(client, ai_article):
    assert titles(search(client, "器学" + "x" * 300)) == []
    assert titles(search(client, "器学 " + "学" * 300)) == []
    assert titles(search(client, "器学" + " " * 300 + "智能")) == ["专题报告"]


@pytest.mark.parametrize("matching_pages", [1, 10])
def test_results_page_runs_a_fixed_number_of_queries(client, conference, matching_pages):
    for number in range(matching_pages):
        about = column(conference, "zh-hans", "about" if number % 2 else "program")
        add_article(about, title=f"数据挖掘 {number}", slug=f"mining-{number}", body="<p>数据挖掘方法</p>")
    search(client, "数据挖掘")

    with CaptureQueriesContext(connection) as queries:
        response = search(client, "数据挖掘")

    assert len(titles(response)) == matching_pages
    assert len(queries) == 5, [query["sql"] for query in queries]


def test_results_are_paginated_keeping_the_query(client, conference):
    program = column(conference, "zh-hans", "program")
    for number in range(23):
        add_article(program, title=f"分会场 {number:02d}", slug=f"session-{number}", body="<p>分会场报告</p>")

    first = search(client, "分会场")
    second = search(client, "分会场", page="2")

    assert len(titles(first)) == 20
    assert titles(second) == ["分会场 20", "分会场 21", "分会场 22"]
    assert "找到 23 个包含“分会场”的页面" in first.content.decode()
    assert 'href="?q=%E5%88%86%E4%BC%9A%E5%9C%BA&amp;page=2" rel="next"' in first.content.decode()


@pytest.mark.smoke
def test_unknown_conference_is_a_themed_404(client, conference):
    response = search(client, "智能", slug="no-such-conference")

    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()


def test_results_page_has_the_conference_menu_and_keeps_the_query_across_languages(client, ai_article):
    response = search(client, "AI 智能")

    html = response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert html.count('role="search"') == 1  # the page's own form replaces the masthead's box
    assert ">会议简介</a>" in html.split('id="site-menu"', 1)[1]
    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', switcher) == [
        "/zh-hans/_search/ncic2027/?q=AI+%E6%99%BA%E8%83%BD",
        "/en/_search/ncic2027/?q=AI+%E6%99%BA%E8%83%BD",
    ]


def test_search_box_is_in_the_layout_of_conference_pages_only(client, conference):
    conference_html = client.get("/en/ncic2027/").content.decode()
    portal_html = client.get("/en/").content.decode()

    form = conference_html.split('<form class="site-search"', 1)[1].split("</form>", 1)[0]
    assert 'action="/en/_search/ncic2027/"' in form
    assert '<label class="visually-hidden" for="site-search-q">Search this website</label>' in form
    assert 'name="q" maxlength="200"' in form
    assert '<button class="site-search-button" type="submit">Search</button>' in form
    assert 'class="site-search"' not in portal_html


def test_index_holds_the_text_of_every_content_field(conference):
    about = column(conference, "zh-hans", "about")
    page = add_article(
        about, title="会议须知", slug="notes", body="<p>正文<b>加粗</b></p><p>第二段</p>", summary="摘要文字"
    )
    page.search_description = "搜索描述"
    page.save_revision().publish()

    entry = SearchEntry.objects.get(page=page)

    assert (entry.conference, entry.language, entry.title) == (conference, "zh-hans", "会议须知")
    assert entry.text == "摘要文字 正文加粗 第二段 搜索描述"
    assert page_text(page) == "摘要文字 正文加粗 第二段 搜索描述"


def test_text_repeated_in_several_fields_is_indexed_once(conference):
    about = column(conference, "zh-hans", "about")
    page = add_article(about, title="会议须知", slug="notes", body="<p>正文</p>", summary="摘要文字")
    page.search_description = "摘要文字"
    page.save_revision().publish()

    assert SearchEntry.objects.get(page=page).text == "摘要文字 正文"


def test_pages_outside_conferences_and_aliases_are_not_indexed(conference, portal):
    zh_column = column(conference, "zh-hans", "about")
    alias = zh_column.create_alias(parent=column(conference, "zh-hans", "program"), update_slug="about-copy")

    assert index_page(page=portal) is None
    assert index_page(page=alias) is None
    assert not SearchEntry.objects.filter(page__in=[portal, alias]).exists()


def test_rebuild_search_index_command_indexes_every_live_page(conference, ai_article):
    SearchEntry.objects.all().delete()
    column(conference, "en", "contact").unpublish()
    out = StringIO()

    call_command("rebuild_search_index", stdout=out)

    # Two home pages, six columns in each language (one unpublished) and the article in both.
    assert out.getvalue() == "Indexed 15 pages.\n"
    assert SearchEntry.objects.filter(language="zh-hans").count() == 8
    assert SearchEntry.objects.filter(language="en").count() == 7


def test_excerpt_cuts_long_text_between_words_around_the_first_match():
    text = " ".join(f"word{number}" for number in range(60)) + " needle " + " ".join("tail" for _ in range(60))

    html = excerpt(text, parse_query("NEEDLE").terms, length=60)

    assert html == "…word58 word59 <mark>needle</mark> tail tail tail tail tail tail…"


def test_excerpt_of_chinese_text_may_cut_anywhere():
    text = "会议" * 100 + "人工智能" + "论文" * 100

    html = excerpt(text, parse_query("智能").terms, length=30)

    assert html == "…会议会议会议会议人工<mark>智能</mark>论文论文论文论文论文论文论文论文论文…"


def test_highlight_marks_overlapping_terms_once():
    assert highlight("人工智能 AI", parse_query("人工 工智 ai").terms) == "<mark>人工智</mark>能 <mark>AI</mark>"


def test_parse_query_folds_splits_and_bounds_the_input():
    query = parse_query("  Ｍachine\u3000learning\tMACHINE 智能\x00 ")

    assert query == SearchQuery(text="Ｍachine learning MACHINE 智能", terms=("machine", "learning", "智能"))
    assert parse_query("x" * 201) == SearchQuery(text="x" * 200, terms=("x" * 200,), truncated=True)
    assert len(parse_query(" ".join(f"w{number}" for number in range(30))).terms) == 10
    assert parse_query(None) == SearchQuery(text="", terms=())
