"""Every site layout serves the conference site in both languages and with every colour style.

The layouts differ in structure (see ``themes/registry.py``), so each one is checked for the
parts every page needs — the main menu, the language switcher, its stylesheets — and for the
parts that make its home page what it is.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from conference_pages.cache import bump_conference_version
from conference_pages.models import ArticlePage, ColumnPage
from conference_pages.services import DEFAULT_COLUMNS, add_page, translate_page
from themes.registry import COLOUR_STYLES, THEMES

pytestmark = pytest.mark.django_db

LAYOUTS = list(THEMES)
LANGUAGES = ["zh-hans", "en"]
HOME_TITLE = {"zh-hans": "首页", "en": "Home"}


def use_layout(conference, layout, colour_style="ocean"):
    """Choose ``layout`` and ``colour_style`` for ``conference`` the way saving its settings does."""
    type(conference).objects.filter(pk=conference.pk).update(theme=layout, colour_style=colour_style)
    bump_conference_version()


@pytest.fixture
def committees(conference):
    """A page under the "About" column, in both languages."""
    about = ColumnPage.objects.get(slug="about", locale__language_code="zh-hans")
    page = add_page(about, ArticlePage(title="组织机构", slug="committees", locale=about.locale))
    translate_page(page, Locale.objects.get(language_code="en"), title="Committees")
    return page


class MenuParser(HTMLParser):
    """Collects the links of the element with ``id="site-menu"``: (list depth, address, text)."""

    def __init__(self):
        super().__init__()
        self.links, self.depth, self.href, self.text = [], 0, None, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and (self.depth or attrs.get("id") == "site-menu"):
            self.depth += 1
        elif tag == "a" and self.depth:
            self.href, self.text = attrs.get("href"), ""

    def handle_endtag(self, tag):
        if tag == "ul" and self.depth:
            self.depth -= 1
        elif tag == "a" and self.href is not None:
            self.links.append((self.depth, self.href, self.text.strip()))
            self.href = None

    def handle_data(self, data):
        if self.href is not None:
            self.text += data


def top_menu(html):
    parser = MenuParser()
    parser.feed(html)
    return [(href, text) for depth, href, text in parser.links if depth == 1]


def expected_menu(language):
    columns = [
        (f"/{language}/ncic2027/{slug}/", zh if language == "zh-hans" else en) for slug, zh, en in DEFAULT_COLUMNS
    ]
    return [(f"/{language}/ncic2027/", HOME_TITLE[language]), *columns]


def switcher_links(html):
    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    return dict(re.findall(r'href="([^"]+)" lang="[^"]+" hreflang="([^"]+)"', switcher))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_home_and_column_pages_render_in_every_layout(client, conference, layout, language):
    use_layout(conference, layout)

    home = client.get(f"/{language}/ncic2027/")
    column = client.get(f"/{language}/ncic2027/about/")

    home_html, column_html = home.content.decode(), column.content.decode()
    assert (home.status_code, column.status_code) == (200, 200)
    assert f'<body class="theme-{layout} colour-ocean page-home"' in home_html
    assert f'<body class="theme-{layout} colour-ocean page-column"' in column_html
    assert f'<html lang="{language}">' in home_html
    assert top_menu(home_html) == top_menu(column_html) == expected_menu(language)
    assert switcher_links(home_html) == {"/zh-hans/ncic2027/": "zh-hans", "/en/ncic2027/": "en"}
    assert switcher_links(column_html) == {"/zh-hans/ncic2027/about/": "zh-hans", "/en/ncic2027/about/": "en"}
    assert home_html.count('<h1 class="page-title') == column_html.count('<h1 class="page-title') == 1
    assert "data-nav-toggle" in home_html and 'name="q"' in home_html


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_colour_style_applies_to_every_layout(client, conference, layout):
    for colour_style in COLOUR_STYLES:
        use_layout(conference, layout, colour_style)

        html = client.get("/en/ncic2027/").content.decode()

        assert f'<body class="theme-{layout} colour-{colour_style} page-home"' in html


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_files_exist(layout):
    theme = THEMES[layout]

    assert finders.find(theme.stylesheet) and finders.find(theme.script)
    assert get_template(theme.base_template) and get_template(theme.home_template)


def test_every_referenced_stylesheet_and_script_exists(client, conference):
    for layout in LAYOUTS:
        use_layout(conference, layout)

        html = client.get("/zh-hans/ncic2027/about/").content.decode()

        files = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
        assert {"themes/common/components.css", "themes/common/colours.css", THEMES[layout].stylesheet} <= set(files)
        assert [path for path in files if not finders.find(path)] == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_home_page_query_count_is_the_same_in_every_layout(client, conference, layout):
    def warm_query_count():
        client.get("/zh-hans/ncic2027/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/zh-hans/ncic2027/")
        assert response.status_code == 200
        return len(queries)

    classic = warm_query_count()
    use_layout(conference, layout)

    assert warm_query_count() == classic


# What makes each layout's home page its own, beyond a base template and a stylesheet.
HOME_STRUCTURE = {
    "classic": ['class="hero"', 'class="tiles"'],
    "sidebar": ['class="side-menu" aria-label="Main menu" data-site-nav data-nav-inline', 'class="tiles"'],
    "hero": ['class="hero-banner"', 'class="button hero-button" href="/en/ncic2027/registration/">Registration</a>'],
    "magazine": ['class="mag-front"', 'class="mag-about"'],
    "onepage": ['class="onepage-nav"', 'href="#section-about"', 'id="section-about"', 'id="section-contact"'],
    "portal": ['class="portal-boxes"', '<section class="portal-box">'],
    "timeline": ['<ol class="timeline">', 'class="timeline-item is-event'],
    "poster": ['class="poster-acronym">NCIC 2027</span>', 'class="hero-facts poster-facts"'],
    "minimal": ['class="minimal-facts"'],
}


def test_every_layout_has_its_structure_described():
    assert set(HOME_STRUCTURE) == set(THEMES)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_home_page_has_the_structure_of_its_layout(client, conference, layout):
    use_layout(conference, layout)

    html = client.get("/en/ncic2027/").content.decode()

    assert [part for part in HOME_STRUCTURE[layout] if part not in html] == []


def test_one_page_home_has_a_section_per_column(client, conference):
    use_layout(conference, "onepage")

    html = client.get("/zh-hans/ncic2027/").content.decode()

    assert re.findall(r'<section class="onepage-section" id="section-([\w-]+)"', html) == [
        slug for slug, _zh, _en in DEFAULT_COLUMNS
    ]


def test_portal_home_has_a_box_per_menu_entry(client, conference):
    use_layout(conference, "portal")

    html = client.get("/en/ncic2027/").content.decode()

    titles = re.findall(r'<h2 class="portal-box-title"><a href="[^"]+"><span[^>]*></span>([^<]+)</a>', html)
    assert titles == [en for _slug, _zh, en in DEFAULT_COLUMNS]


def test_portal_box_lists_the_pages_of_its_section(client, conference, committees):
    use_layout(conference, "portal")

    html = client.get("/en/ncic2027/").content.decode()

    assert '<ul class="portal-box-links">\n' in html
    assert '<li><a href="/en/ncic2027/about/committees/">Committees</a></li>' in html


def test_side_menu_lists_the_pages_of_the_active_section(client, conference, committees):
    use_layout(conference, "sidebar")

    html = client.get("/en/ncic2027/about/committees/").content.decode()

    about = re.search(r'<li class="side-menu-item is-active">.*?</ul>', html, re.S).group(0)
    assert 'aria-expanded="true" aria-controls="submenu-' in about
    assert 'class="side-submenu is-open"' in about
    assert '<a href="/en/ncic2027/about/committees/" aria-current="page">Committees</a>' in about
    assert html.count("side-submenu is-open") == 1
