import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Site

from cms.enums import ConferenceStatus
from conference_pages.models import ArticlePage, ColumnPage, ConferenceHomePage, PortalPage
from conference_pages.services import add_page, translate_page

pytestmark = pytest.mark.django_db


def home(conference, language):
    return ConferenceHomePage.objects.get(conference=conference, locale__language_code=language)


def column(conference, language, slug):
    return ColumnPage.objects.child_of(home(conference, language)).get(slug=slug)


def menu_texts(html):
    menu = html.split('id="site-menu"', 1)[1].split("</nav>", 1)[0]
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<a [^>]*>([^<]+)</a>", menu)]


@pytest.fixture
def article(conference):
    about = column(conference, "zh-hans", "about")
    page = add_page(about, ArticlePage(title="组织机构", slug="committees", summary="委员会名单", locale=about.locale))
    translate_page(page, Locale.objects.get(language_code="en"), title="Committees", summary="Committee members")
    return page


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/zh-hans/", "Flock 学术会议平台"),
        ("/en/", "Flock academic conferences"),
        ("/zh-hans/ncic2027/", "第十届全国智能计算学术会议"),
        ("/en/ncic2027/", "The 10th National Conference on Intelligent Computing"),
        ("/zh-hans/ncic2027/about/", "会议简介"),
        ("/en/ncic2027/about/", "About"),
        ("/zh-hans/ncic2027/about/committees/", "组织机构"),
        ("/en/ncic2027/about/committees/", "Committees"),
    ],
)
def test_each_page_type_renders_in_both_locales(client, article, path, expected):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="page-title">{expected}</h1>' in html
    assert f'<html lang="{path.split("/")[1]}">' in html


def test_menu_shows_two_levels_in_tree_order(client, conference, article):
    zh_about = column(conference, "zh-hans", "about")
    add_page(zh_about, ColumnPage(title="往届回顾", slug="history", locale=zh_about.locale))

    html = client.get("/zh-hans/ncic2027/").content.decode()

    assert menu_texts(html) == [
        "首页",
        "会议简介",
        "组织机构",
        "往届回顾",
        "征文通知",
        "参会注册",
        "酒店住宿",
        "会议日程",
        "联系我们",
    ]
    submenu = html.split('class="submenu"', 1)[1].split("</ul>", 1)[0]
    assert "组织机构" in submenu and "往届回顾" in submenu


def test_menu_leaves_out_hidden_and_unpublished_columns(client, conference):
    contact = column(conference, "zh-hans", "contact")
    contact.show_in_menus = False
    contact.save_revision().publish()
    column(conference, "zh-hans", "program").unpublish()

    texts = menu_texts(client.get("/zh-hans/ncic2027/").content.decode())

    assert "联系我们" not in texts and "会议日程" not in texts and "会议简介" in texts


def test_third_level_column_cannot_be_created(conference):
    about = column(conference, "zh-hans", "about")
    second = add_page(about, ColumnPage(title="二级", slug="second", locale=about.locale))

    assert ColumnPage.can_create_at(about)
    assert not ColumnPage.can_create_at(second)


def test_language_switcher_keeps_the_page(client, article):
    html = client.get("/zh-hans/ncic2027/about/committees/").content.decode()

    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', switcher) == [
        "/zh-hans/ncic2027/about/committees/",
        "/en/ncic2027/about/committees/",
    ]
    assert client.get("/en/ncic2027/about/committees/").status_code == 200


def test_untranslated_page_falls_back_to_default_language_with_notice(client, conference):
    about = column(conference, "zh-hans", "about")
    add_page(about, ArticlePage(title="仅中文页面", slug="chinese-only", locale=about.locale))

    response = client.get("/en/ncic2027/about/chinese-only/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="page-title">仅中文页面</h1>' in html
    assert "This page is not yet available in your language" in html
    assert "About" in menu_texts(html)
    assert '<main id="main" class="site-main" lang="zh-hans">' in html
    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', switcher) == [
        "/zh-hans/ncic2027/about/chinese-only/",
        "/en/ncic2027/about/chinese-only/",
    ]


@pytest.mark.smoke
@pytest.mark.parametrize("path", ["/zh-hans/no-such-conference/", "/en/ncic2027/no-such-page/", "/xx/ncic2027/"])
def test_unknown_address_gets_themed_404(client, conference, path):
    response = client.get(path, follow=True)

    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "theme-classic" in html


def test_404_under_a_conference_links_back_to_its_home(client, conference):
    html = client.get("/en/ncic2027/missing/").content.decode()

    assert "NCIC 2027" in html
    assert 'href="/en/ncic2027/"' in html


def test_portal_lists_upcoming_and_past_published_conferences(client, make_conference, conference, monkeypatch):
    import datetime

    from django.utils import timezone

    # Seen on a fixed day: NCIC 2027 (10-12 May 2027) is upcoming only until it ends.
    today = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=conference.tz)
    monkeypatch.setattr(timezone, "now", lambda: today)
    make_conference(
        slug="ncic2025",
        acronym="NCIC 2025",
        name_zh="第九届会议",
        name_en="The 9th Conference",
        start_date=datetime.date(2025, 10, 17),
        end_date=datetime.date(2025, 10, 19),
        status=ConferenceStatus.ARCHIVED,
    )
    make_conference(slug="secret2027", name_zh="草稿会议", status=ConferenceStatus.DRAFT)

    html = client.get("/en/").content.decode()

    upcoming, past = html.split("Upcoming conferences", 1)[1].split("Past conferences", 1)
    assert "The 10th National Conference on Intelligent Computing" in upcoming
    assert 'href="/en/ncic2027/"' in upcoming
    assert "The 9th Conference" in past
    assert "草稿会议" not in html and "secret2027" not in html


@pytest.mark.parametrize(
    ("seen_at", "shown_in"), [("2027-05-13T00:30+08:00", "upcoming"), ("2027-05-13T18:00-07:00", "past")]
)
def test_a_conference_is_past_once_its_last_day_is_over_where_it_takes_place(
    client, conference, monkeypatch, seen_at, shown_in
):
    """NCIC 2027 ends on 12 May 2027; held in Los Angeles, it is still running when Shanghai's
    calendar has moved on to the 13th, and past once the 13th has come in Los Angeles."""
    import datetime

    from django.utils import timezone

    conference.time_zone = "America/Los_Angeles"
    conference.save(update_fields=["time_zone"])
    moment = datetime.datetime.fromisoformat(seen_at)
    monkeypatch.setattr(timezone, "now", lambda: moment)

    html = client.get("/en/").content.decode()

    upcoming, past = html.split("Upcoming conferences", 1)[1].split("Past conferences", 1)
    assert 'href="/en/ncic2027/"' in (upcoming if shown_in == "upcoming" else past), seen_at
    assert 'href="/en/ncic2027/"' not in (past if shown_in == "upcoming" else upcoming), seen_at


def test_conference_on_its_own_host_name(client, conference, settings):
    settings.ALLOWED_HOSTS = ["testserver", "ncic2027.example.org"]
    Site.objects.create(hostname="ncic2027.example.org", port=80, root_page=home(conference, "zh-hans"))

    zh = client.get("/zh-hans/", HTTP_HOST="ncic2027.example.org")
    en = client.get("/en/about/", HTTP_HOST="ncic2027.example.org")

    assert zh.status_code == 200 and en.status_code == 200
    assert zh.wsgi_request.conference == conference
    assert '<h1 class="page-title">第十届全国智能计算学术会议</h1>' in zh.content.decode()
    assert '<h1 class="page-title">About</h1>' in en.content.decode()
    assert 'href="/zh-hans/about/"' in zh.content.decode()
    assert 'href="/en/" lang="en"' in zh.content.decode()


def test_middleware_resolves_conference_by_path(client, make_conference, conference):
    other = make_conference(slug="other2027")

    assert client.get("/en/other2027/").wsgi_request.conference == other
    assert client.get("/zh-hans/ncic2027/about/").wsgi_request.conference == conference
    assert client.get("/zh-hans/").wsgi_request.conference is None


@pytest.mark.parametrize("extra_columns", [0, 30])
def test_home_page_query_count_does_not_grow_with_columns(client, conference, extra_columns):
    zh_home = home(conference, "zh-hans")
    for number in range(extra_columns):
        add_page(zh_home, ColumnPage(title=f"栏目{number}", slug=f"column-{number}", locale=zh_home.locale))
    client.get("/zh-hans/ncic2027/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/zh-hans/ncic2027/")

    assert response.status_code == 200
    assert len(queries) == 6, [query["sql"] for query in queries]


def test_portal_page_is_the_default_site_root(portal):
    site = Site.objects.get(is_default_site=True)

    assert site.root_page_id == portal.pk
    assert PortalPage.objects.count() == 2


def test_menu_change_shows_at_once_in_both_languages(client, conference):
    client.get("/zh-hans/ncic2027/")
    client.get("/en/ncic2027/")
    zh_about = column(conference, "zh-hans", "about")
    new_zh = add_page(zh_about, ColumnPage(title="新栏目", slug="fresh", locale=zh_about.locale))
    translate_page(new_zh, Locale.objects.get(language_code="en"), title="Fresh column")
    column(conference, "en", "contact").unpublish()

    zh_texts = menu_texts(client.get("/zh-hans/ncic2027/").content.decode())
    en_texts = menu_texts(client.get("/en/ncic2027/").content.decode())

    assert "新栏目" in zh_texts
    assert "Fresh column" in en_texts and "Contact" not in en_texts


def test_renamed_conference_shows_at_once(client, conference):
    client.get("/en/ncic2027/")
    conference.name_en = "NCIC Renamed"
    conference.save()

    assert "NCIC Renamed" in client.get("/en/ncic2027/").content.decode()


def test_404_under_a_conference_keeps_menu_and_native_language_names(client, conference):
    html = client.get("/zh-hans/ncic2027/missing/").content.decode()

    assert "会议简介" in menu_texts(html)
    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    assert ">English</a>" in switcher and ">简体中文</a>" in switcher
