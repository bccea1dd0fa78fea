import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction, Site

from cms.enums import ConferenceStatus
from conference_pages.models import ArticlePage, ColumnPage, ConferenceHomePage
from conference_pages.seo import page_meta
from conference_pages.services import DEFAULT_COLUMNS, add_page, translate_page

pytestmark = pytest.mark.django_db

NAMESPACES = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
ORIGIN = "http://testserver"
NAME_ZH = "第十届全国智能计算学术会议"
NAME_EN = "The 10th National Conference on Intelligent Computing"


def home(conference, language):
    return ConferenceHomePage.objects.get(conference=conference, locale__language_code=language)


def column(conference, language, slug):
    return ColumnPage.objects.child_of(home(conference, language)).get(slug=slug)


def english():
    return Locale.objects.get(language_code="en")


def alternates(zh=None, en=None):
    """The expected alternates of a page whose Chinese and English versions are at ``zh``, ``en``."""
    links = set()
    if zh:
        links |= {("zh-Hans", zh), ("x-default", zh)}
    if en:
        links.add(("en", en))
        if not zh:
            links.add(("x-default", en))
    return links


def site_urls(origin, prefix, language):
    """Each page of a freshly built conference site: its home and default columns."""
    return [f"{origin}/{language}/{prefix}", *(f"{origin}/{language}/{prefix}{slug}/" for slug, *_ in DEFAULT_COLUMNS)]


def default_site_map(origin=ORIGIN, prefix="ncic2027/"):
    """``{loc: alternates}`` of a freshly built conference site, both languages translated."""
    expected = {}
    for zh, en in zip(site_urls(origin, prefix, "zh-hans"), site_urls(origin, prefix, "en"), strict=True):
        expected[zh] = expected[en] = alternates(zh=zh, en=en)
    return expected


def parse_sitemap(response):
    """``{loc: {(hreflang, href), …}}`` of a sitemap response."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {
        url.findtext("sm:loc", namespaces=NAMESPACES): {
            (link.get("hreflang"), link.get("href"))
            for link in url.findall("xhtml:link", NAMESPACES)
            if link.get("rel") == "alternate"
        }
        for url in root.findall("sm:url", NAMESPACES)
    }


def sitemap_locs(client, host):
    """Every address listed by the sitemaps that ``host``'s robots.txt names (all on ``host``)."""
    locs = set()
    for line in client.get("/robots.txt", HTTP_HOST=host).content.decode().splitlines():
        if line.startswith("Sitemap: "):
            sitemap = urlsplit(line.removeprefix("Sitemap: "))
            assert sitemap.netloc == host
            locs |= set(parse_sitemap(client.get(sitemap.path, HTTP_HOST=host)))
    return locs


def lastmods(response):
    root = ET.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=NAMESPACES): url.findtext("sm:lastmod", namespaces=NAMESPACES)
        for url in root.findall("sm:url", NAMESPACES)
    }


class HeadTags(HTMLParser):
    """The search-engine tags of a page's ``<head>``: links (rel, hreflang, href) and metas."""

    def __init__(self, html):
        super().__init__()
        self.links, self.metas = [], []
        self.feed(html.split("</head>", 1)[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in {"canonical", "alternate"}:
            self.links.append((attrs["rel"], attrs.get("hreflang"), attrs["href"]))
        elif tag == "meta" and (attrs.get("property") or attrs.get("name") in {"description", "twitter:card"}):
            self.metas.append((attrs.get("property") or attrs["name"], attrs["content"]))


def head(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200
    return HeadTags(response.content.decode())


@pytest.fixture
def article(conference):
    about = column(conference, "zh-hans", "about")
    page = add_page(about, ArticlePage(title="组织机构", slug="committees", summary="委员会名单", locale=about.locale))
    translate_page(page, english(), title="Committees", summary="Committee members")
    return page


@pytest.fixture
def chinese_only(conference):
    about = column(conference, "zh-hans", "about")
    return add_page(
        about, ArticlePage(title="仅中文页面", slug="chinese-only", summary="只有中文", locale=about.locale)
    )


@pytest.fixture
def own_host(conference, settings):
    settings.ALLOWED_HOSTS = ["testserver", "ncic2027.example.org"]
    Site.objects.create(hostname="ncic2027.example.org", port=80, root_page=home(conference, "zh-hans"))
    return {"HTTP_HOST": "ncic2027.example.org"}


# robots.txt ---------------------------------------------------------------------------------------

RULES = [
    "User-agent: *",
    "Disallow: /admin/",
    "Disallow: /django-admin/",
    "Disallow: /_search/",
    "Disallow: /zh-hans/_search/",
    "Disallow: /en/_search/",
    "Allow: /",
    "",
]


def test_robots_txt_names_the_sitemap_of_each_public_conference_and_the_portal(client, make_conference, conference):
    make_conference(slug="archived2025", status=ConferenceStatus.ARCHIVED)
    make_conference(slug="secret2027", status=ConferenceStatus.DRAFT)

    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().split("\n") == [
        *RULES,
        "Sitemap: http://testserver/sitemap-archived2025.xml",
        "Sitemap: http://testserver/sitemap-ncic2027.xml",
        "Sitemap: http://testserver/sitemap_portal.xml",
        "",
    ]


def test_robots_txt_on_a_conference_host_names_only_its_sitemap(client, make_conference, conference, own_host):
    make_conference(slug="other2027")

    response = client.get("/robots.txt", **own_host)

    assert response.content.decode().split("\n") == [
        *RULES,
        "Sitemap: http://ncic2027.example.org/sitemap-ncic2027.xml",
        "",
    ]


# Sitemaps -----------------------------------------------------------------------------------------


def test_sitemap_index_lists_each_public_conference_sitemap_and_the_portal(client, make_conference, conference):
    make_conference(slug="other2027")
    make_conference(slug="secret2027", status=ConferenceStatus.DRAFT)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert [loc.text for loc in root.findall("sm:sitemap/sm:loc", NAMESPACES)] == [
        "http://testserver/sitemap-ncic2027.xml",
        "http://testserver/sitemap-other2027.xml",
        "http://testserver/sitemap_portal.xml",
    ]


def test_conference_sitemap_lists_every_page_in_both_languages_with_alternates(client, article, chinese_only):
    response = client.get("/sitemap-ncic2027.xml")

    committees_zh = f"{ORIGIN}/zh-hans/ncic2027/about/committees/"
    committees_en = f"{ORIGIN}/en/ncic2027/about/committees/"
    chinese_only_zh = f"{ORIGIN}/zh-hans/ncic2027/about/chinese-only/"
    assert parse_sitemap(response) == {
        **default_site_map(),
        committees_zh: alternates(zh=committees_zh, en=committees_en),
        committees_en: alternates(zh=committees_zh, en=committees_en),
        chinese_only_zh: alternates(zh=chinese_only_zh),
    }
    chinese_only.refresh_from_db()
    assert lastmods(response)[chinese_only_zh] == chinese_only.last_published_at.isoformat(timespec="seconds")


def test_conference_sitemap_leaves_out_unpublished_private_alias_and_other_conference_pages(
    client, make_conference, conference, chinese_only
):
    about = column(conference, "zh-hans", "about")
    add_page(about, ArticlePage(title="已撤回", slug="withdrawn", locale=about.locale)).unpublish()
    about.add_child(instance=ArticlePage(title="草稿", slug="draft", live=False, locale=about.locale))
    private = add_page(about, ArticlePage(title="内部", slug="internal", locale=about.locale))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    alias = chinese_only.copy_for_translation(english(), alias=True)
    other = make_conference(slug="other2027")
    other_about = column(other, "zh-hans", "about")
    add_page(other_about, ArticlePage(title="别的会议", slug="elsewhere", locale=other_about.locale))

    response = client.get("/sitemap-ncic2027.xml")

    chinese_only_zh = f"{ORIGIN}/zh-hans/ncic2027/about/chinese-only/"
    assert alias.live and client.get("/en/ncic2027/about/chinese-only/").status_code == 200
    assert parse_sitemap(response) == {**default_site_map(), chinese_only_zh: alternates(zh=chinese_only_zh)}


@pytest.mark.parametrize("slug", ["nothing", "secret2027"])
def test_sitemap_of_an_unknown_or_draft_conference_is_not_found(client, make_conference, conference, slug):
    make_conference(slug="secret2027", status=ConferenceStatus.DRAFT)

    assert client.get(f"/sitemap-{slug}.xml").status_code == 404


def test_portal_sitemap_lists_the_portal_in_both_languages(client, portal):
    response = client.get("/sitemap_portal.xml")

    zh, en = f"{ORIGIN}/zh-hans/", f"{ORIGIN}/en/"
    assert parse_sitemap(response) == {zh: alternates(zh=zh, en=en), en: alternates(zh=zh, en=en)}


def test_sitemaps_on_a_conference_host_use_its_addresses_and_only_its_pages(
    client, make_conference, conference, own_host
):
    make_conference(slug="other2027")

    response = client.get("/sitemap-ncic2027.xml", **own_host)

    assert parse_sitemap(response) == default_site_map(origin="http://ncic2027.example.org", prefix="")
    assert client.get("/sitemap-other2027.xml", **own_host).status_code == 404
    assert client.get("/sitemap_portal.xml", **own_host).status_code == 404


def test_conference_with_its_own_host_is_only_in_that_hosts_sitemaps(client, make_conference, conference, own_host):
    make_conference(slug="other2027")

    portal_locs = sitemap_locs(client, "testserver")
    own_locs = sitemap_locs(client, "ncic2027.example.org")

    assert portal_locs == {*default_site_map(prefix="other2027/"), f"{ORIGIN}/zh-hans/", f"{ORIGIN}/en/"}
    assert own_locs == set(default_site_map(origin="http://ncic2027.example.org", prefix=""))
    assert client.get("/sitemap-ncic2027.xml").status_code == 404
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert [loc.text for loc in index.findall("sm:sitemap/sm:loc", NAMESPACES)] == [
        "http://testserver/sitemap-other2027.xml",
        "http://testserver/sitemap_portal.xml",
    ]


@pytest.mark.parametrize("extra_pages", [0, 25])
def test_sitemap_query_count_does_not_grow_with_pages(client, conference, extra_pages):
    about = column(conference, "zh-hans", "about")
    for number in range(extra_pages):
        page = add_page(about, ArticlePage(title=f"文章{number}", slug=f"article-{number}", locale=about.locale))
        if number % 2:
            translate_page(page, english(), title=f"Article {number}")
    client.get("/sitemap-ncic2027.xml")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sitemap-ncic2027.xml")

    assert len(parse_sitemap(response)) == 14 + extra_pages + extra_pages // 2
    # The conference, its home pages, the private sections, the pages (the site is cached).
    assert len(queries) == 4, [query["sql"] for query in queries]


# The head of a page -------------------------------------------------------------------------------


def test_chinese_page_head_has_canonical_alternates_and_open_graph(client, article):
    tags = head(client, "/zh-hans/ncic2027/about/committees/")

    zh, en = f"{ORIGIN}/zh-hans/ncic2027/about/committees/", f"{ORIGIN}/en/ncic2027/about/committees/"
    assert tags.links == [
        ("canonical", None, zh),
        ("alternate", "zh-Hans", zh),
        ("alternate", "en", en),
        ("alternate", "x-default", zh),
    ]
    assert tags.metas == [
        ("description", "委员会名单"),
        ("og:type", "website"),
        ("og:title", "组织机构"),
        ("og:description", "委员会名单"),
        ("og:url", zh),
        ("og:site_name", NAME_ZH),
        ("og:locale", "zh_CN"),
        ("og:locale:alternate", "en_US"),
        ("twitter:card", "summary"),
    ]


def test_english_page_head_points_to_itself_and_uses_seo_title(client, article):
    english_page = ArticlePage.objects.get(translation_key=article.translation_key, locale=english())
    english_page.seo_title = "Organising committees"
    english_page.search_description = "Who runs NCIC 2027"
    english_page.save_revision().publish()

    tags = head(client, "/en/ncic2027/about/committees/")

    zh, en = f"{ORIGIN}/zh-hans/ncic2027/about/committees/", f"{ORIGIN}/en/ncic2027/about/committees/"
    assert tags.links == [
        ("canonical", None, en),
        ("alternate", "zh-Hans", zh),
        ("alternate", "en", en),
        ("alternate", "x-default", zh),
    ]
    assert tags.metas == [
        ("description", "Who runs NCIC 2027"),
        ("og:type", "website"),
        ("og:title", "Organising committees"),
        ("og:description", "Who runs NCIC 2027"),
        ("og:url", en),
        ("og:site_name", NAME_EN),
        ("og:locale", "en_US"),
        ("og:locale:alternate", "zh_CN"),
        ("twitter:card", "summary"),
    ]


def test_untranslated_page_under_english_prefix_is_canonical_to_the_chinese_original(client, chinese_only):
    tags = head(client, "/en/ncic2027/about/chinese-only/")

    zh = f"{ORIGIN}/zh-hans/ncic2027/about/chinese-only/"
    assert tags.links == [("canonical", None, zh), ("alternate", "zh-Hans", zh), ("alternate", "x-default", zh)]
    assert ("og:url", zh) in tags.metas
    assert ("og:locale", "zh_CN") in tags.metas
    assert ("og:site_name", NAME_EN) in tags.metas
    assert not [meta for meta in tags.metas if meta[0] == "og:locale:alternate"]


def test_alias_page_is_canonical_to_its_original(client, chinese_only):
    chinese_only.copy_for_translation(english(), alias=True)

    tags = head(client, "/en/ncic2027/about/chinese-only/")

    zh = f"{ORIGIN}/zh-hans/ncic2027/about/chinese-only/"
    assert tags.links == [("canonical", None, zh), ("alternate", "zh-Hans", zh), ("alternate", "x-default", zh)]


def test_head_alternates_follow_a_new_translation_at_once(client, chinese_only):
    head(client, "/zh-hans/ncic2027/about/chinese-only/")
    translate_page(chinese_only, english(), title="Chinese only no more")

    tags = head(client, "/zh-hans/ncic2027/about/chinese-only/")

    assert ("alternate", "en", f"{ORIGIN}/en/ncic2027/about/chinese-only/") in tags.links


def test_head_on_a_conference_host_uses_its_addresses(client, conference, own_host):
    tags = head(client, "/en/about/", **own_host)

    assert tags.links == [
        ("canonical", None, "http://ncic2027.example.org/en/about/"),
        ("alternate", "zh-Hans", "http://ncic2027.example.org/zh-hans/about/"),
        ("alternate", "en", "http://ncic2027.example.org/en/about/"),
        ("alternate", "x-default", "http://ncic2027.example.org/zh-hans/about/"),
    ]


# The host's site may be rooted at the home page in either language.
@pytest.mark.parametrize("root_language", ["zh-hans", "en"])
def test_page_of_a_conference_with_its_own_host_is_canonical_there_when_seen_under_the_portal(
    client, conference, root_language
):
    Site.objects.create(hostname="ncic2027.example.org", port=80, root_page=home(conference, root_language))

    tags = head(client, "/en/ncic2027/about/")

    assert tags.links == [
        ("canonical", None, "http://ncic2027.example.org/en/about/"),
        ("alternate", "zh-Hans", "http://ncic2027.example.org/zh-hans/about/"),
        ("alternate", "en", "http://ncic2027.example.org/en/about/"),
        ("alternate", "x-default", "http://ncic2027.example.org/zh-hans/about/"),
    ]
    assert ("og:url", "http://ncic2027.example.org/en/about/") in tags.metas


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"intro": "<p>欢迎 <b>参加</b> 会议 &amp; 交流</p>"}, "欢迎 参加 会议 & 交流"),
        # Django's Chinese catalogue truncates with "...".
        ({"intro": f"<p>{'长' * 200}</p>"}, "长" * 157 + "..."),
        ({"intro": "<p>忽略</p>", "search_description": "搜索引擎描述"}, "搜索引擎描述"),
        ({}, NAME_ZH),
    ],
)
def test_description_falls_back_to_intro_then_conference_name(client, conference, fields, expected):
    about = column(conference, "zh-hans", "about")
    for name, value in fields.items():
        setattr(about, name, value)
    about.save_revision().publish()

    tags = head(client, "/zh-hans/ncic2027/about/")

    assert ("description", expected) in tags.metas
    assert ("og:description", expected) in tags.metas


def test_head_escapes_page_fields(client, conference):
    about = column(conference, "zh-hans", "about")
    about.seo_title = '"简介" <script>'
    about.search_description = "A & B > C"
    about.save_revision().publish()

    html = client.get("/zh-hans/ncic2027/about/").content.decode()

    assert '<meta property="og:title" content="&quot;简介&quot; &lt;script&gt;">' in html
    assert '<meta name="description" content="A &amp; B &gt; C">' in html


def test_portal_head_names_flock_and_links_both_languages(client, portal):
    tags = head(client, "/en/")

    zh, en = f"{ORIGIN}/zh-hans/", f"{ORIGIN}/en/"
    assert tags.links == [
        ("canonical", None, en),
        ("alternate", "zh-Hans", zh),
        ("alternate", "en", en),
        ("alternate", "x-default", zh),
    ]
    assert ("og:site_name", "Flock") in tags.metas


def test_not_found_page_has_no_page_tags(client, conference):
    response = client.get("/en/ncic2027/missing/")

    tags = HeadTags(response.content.decode())
    assert response.status_code == 404
    assert (tags.links, tags.metas) == ([], [])


def test_head_data_is_one_query_then_cached_until_the_tree_changes(rf, conference):
    page = column(conference, "en", "about")
    request = rf.get("/en/ncic2027/about/")
    Site.find_for_request(request), Site.get_site_root_paths()

    with CaptureQueriesContext(connection) as first:
        page_meta(page, request=request, conference=conference)
    with CaptureQueriesContext(connection) as second:
        meta = page_meta(page, request=request, conference=conference)

    assert (len(first), len(second)) == (1, 0)
    assert meta.canonical == "http://testserver/en/ncic2027/about/"
