"""Pages for attendees only: who sees the content and who the prompt, in both languages, and that
the content never leaks through the page cache, site search, the static export, the sitemap or
the listings of pages. Also the "My conference" link in the header of every layout."""

import html as html_lib
import re

import pytest
from django.test import Client
from wagtail.models import Locale

from attendance.enums import RegistrationState
from cms.enums import Role
from cms.models import ConferenceRole
from conference_pages.exporting import SiteExporter
from conference_pages.models import ArticlePage, Audience, ColumnPage, ConferenceHomePage, NewsIndexPage, NewsPage
from conference_pages.services import add_page, translate_page
from tests.attendance.conftest import RegistrationFactory, RegistrationTypeFactory
from tests.http import read_and_close
from themes.registry import THEMES

pytestmark = pytest.mark.django_db

SECRETS = ["SECRET-HANDBOOK", "SECRET-INTRO", "SECRET-SLIDES", "SECRET-SUMMARY", "SECRET-CERTIFICATE", "SECRET-NEWS"]
HANDBOOK = {"zh-hans": "/zh-hans/ncic2027/attendees/", "en": "/en/ncic2027/attendees/"}
SLIDES = {"zh-hans": "/zh-hans/ncic2027/attendees/slides/", "en": "/en/ncic2027/attendees/slides/"}
CERTIFICATES = {"zh-hans": "/zh-hans/ncic2027/about/certificates/", "en": "/en/ncic2027/about/certificates/"}


def body(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def text(response):
    content = response.content.decode()
    content = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", content, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", content))).strip()


def leaks(content):
    return [secret for secret in SECRETS if secret in content]


@pytest.fixture
def site(make_conference):
    """A conference website with a column for registered attendees (and an article below it), an
    article for confirmed attendees only, and a pinned news item for registered attendees."""
    conference = make_conference(
        slug="ncic2027",
        acronym="NCIC 2027",
        name_zh="第十届全国智能计算学术会议",
        name_en="NCIC",
        registration_open=True,
    )
    english = Locale.objects.get(language_code="en")
    home = ConferenceHomePage.objects.get(conference=conference, locale__language_code="zh-hans")
    handbook = add_page(
        home,
        ColumnPage(
            title="参会手册",
            slug="attendees",
            intro="<p>SECRET-INTRO</p>",
            body=body("SECRET-HANDBOOK 会议秘密"),
            audience=Audience.REGISTERED,
            locale=home.locale,
        ),
    )
    # The English copy was made before the restriction: the Chinese page's restriction covers it.
    translate_page(
        handbook, english, title="Attendee handbook", body=body("SECRET-HANDBOOK"), audience=Audience.EVERYONE
    )
    slides = add_page(
        handbook,
        ArticlePage(
            title="报告幻灯片", slug="slides", summary="SECRET-SUMMARY", body=body("SECRET-SLIDES"), locale=home.locale
        ),
    )
    translate_page(slides, english, title="Slides", summary="SECRET-SUMMARY", body=body("SECRET-SLIDES"))
    about = ColumnPage.objects.child_of(home).get(slug="about")
    certificates = add_page(
        about,
        ArticlePage(
            title="参会证明",
            slug="certificates",
            summary="SECRET-SUMMARY",
            body=body("SECRET-CERTIFICATE"),
            audience=Audience.CONFIRMED,
            locale=home.locale,
        ),
    )
    translate_page(certificates, english, title="Certificates", body=body("SECRET-CERTIFICATE"))
    news = add_page(home, NewsIndexPage(title="新闻", slug="news", locale=home.locale))
    add_page(
        news,
        NewsPage(
            title="参会须知",
            slug="notice",
            summary="SECRET-NEWS",
            pinned=True,
            audience=Audience.REGISTERED,
            locale=home.locale,
        ),
    )
    return conference


def attendee_client(user_factory, conference, state, **fields):
    registration_type = RegistrationTypeFactory(conference=conference, is_free=True)
    user = user_factory(**fields)
    RegistrationFactory(conference=conference, registration_type=registration_type, user=user, state=state)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stranger(user_factory, site):
    client = Client()
    client.force_login(user_factory(email="zhang.san@example.org", first_name="San", last_name="Zhang"))
    return client


@pytest.fixture
def registered(user_factory, site):
    return attendee_client(user_factory, site, RegistrationState.AWAITING_PAYMENT, email="unpaid@example.org")


@pytest.fixture
def confirmed(user_factory, site):
    return attendee_client(user_factory, site, RegistrationState.CONFIRMED, email="paid@example.org")


def staff_client(user_factory, conference, role):
    user = user_factory(email=f"{role}@example.org")
    ConferenceRole.objects.create(user=user, conference=conference, role=role)
    client = Client()
    client.force_login(user)
    return client


# Who sees what -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_anonymous_visitors_get_a_prompt_to_log_in_or_register(client, site, language):
    response = client.get(HANDBOOK[language])

    assert response.status_code == 403
    content = response.content.decode()
    assert leaks(content) == []
    assert f'<html lang="{language}">' in content
    assert (
        f'href="/{language}/_account/login/?conference=ncic2027&amp;next=%2F{language}%2Fncic2027%2Fattendees%2F"'
        in content
    )
    assert f'href="/{language}/_register/ncic2027/"' in content
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"]


def test_the_prompt_is_in_the_sites_layout_and_in_english(client, site):
    response = client.get(HANDBOOK["en"])

    page = text(response)
    assert "Attendee handbook" in page  # the title, in the page's frame
    assert "This page is for registered attendees of the conference." in page
    assert "Please log in to see it." in page
    assert 'class="site-nav' in response.content.decode() or "site_menu" not in response.context
    assert '<meta name="description"' not in response.content.decode()


def test_pages_below_a_restricted_page_are_restricted_too(client, site):
    response = client.get(SLIDES["en"])

    assert response.status_code == 403
    assert leaks(response.content.decode()) == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_logged_in_but_not_registered_is_asked_to_register(stranger, language):
    response = stranger.get(HANDBOOK[language])

    assert response.status_code == 403
    assert leaks(response.content.decode()) == []
    if language == "en":
        assert "You are not registered for this conference yet." in text(response)
        assert "Please log in" not in text(response)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_registered_attendee_sees_pages_for_registered_attendees(registered, language):
    for url, secret in [(HANDBOOK[language], "SECRET-HANDBOOK"), (SLIDES[language], "SECRET-SLIDES")]:
        response = registered.get(url)
        assert response.status_code == 200
        assert secret in response.content.decode()
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_unpaid_attendee_is_told_to_confirm_for_pages_for_confirmed_attendees(registered, language):
    response = registered.get(CERTIFICATES[language])

    assert response.status_code == 403
    assert "SECRET-CERTIFICATE" not in response.content.decode()
    if language == "en":
        assert "Your registration is not confirmed yet." in text(response)
        assert 'href="/en/_my/ncic2027/"' in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_confirmed_attendee_sees_every_page(confirmed, language):
    for url, secret in [
        (HANDBOOK[language], "SECRET-HANDBOOK"),
        (SLIDES[language], "SECRET-SLIDES"),
        (CERTIFICATES[language], "SECRET-CERTIFICATE"),
    ]:
        response = confirmed.get(url)
        assert response.status_code == 200
        assert secret in response.content.decode()


def test_a_withdrawn_attendee_gets_the_prompt(user_factory, site):
    client = attendee_client(user_factory, site, RegistrationState.WITHDRAWN, email="gone@example.org")

    assert client.get(HANDBOOK["en"]).status_code == 403


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.EDITOR])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_organizers_and_editors_of_the_conference_see_the_content(user_factory, site, role, language):
    client = staff_client(user_factory, site, role)

    response = client.get(CERTIFICATES[language])

    assert response.status_code == 200
    assert "SECRET-CERTIFICATE" in response.content.decode()


def test_staff_of_another_conference_get_the_prompt(user_factory, site, make_conference):
    other = make_conference(slug="aicon2026", acronym="AICON", name_zh="人工智能大会", name_en="AI Conference")
    client = staff_client(user_factory, other, Role.ORGANIZER)

    assert client.get(CERTIFICATES["en"]).status_code == 403


def test_an_unrestricted_page_is_served_as_usual(client, site):
    response = client.get("/en/ncic2027/about/")

    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


# No leaks ---------------------------------------------------------------------------------------------


def test_listings_show_the_title_but_not_the_summary(client, site):
    about = client.get("/en/ncic2027/about/")
    home = client.get("/zh-hans/ncic2027/")

    assert "Certificates" in text(about)
    assert "Attendees only" in text(about)
    assert "参会须知" in text(home)
    assert leaks(about.content.decode()) == []
    assert leaks(home.content.decode()) == []


def test_the_page_cache_never_keeps_a_restricted_page(client, site, confirmed, settings):
    settings.PAGE_CACHE_SECONDS = 600

    seen = confirmed.get(HANDBOOK["en"])
    first = client.get(HANDBOOK["en"])
    second = client.get(HANDBOOK["en"])

    assert "SECRET-HANDBOOK" in seen.content.decode()
    for response in (first, second):
        assert response.status_code == 403
        assert leaks(response.content.decode()) == []
        assert "X-Flock-Cache" not in response
    public = [client.get("/en/ncic2027/about/") for _round in range(2)]
    assert [response["X-Flock-Cache"] for response in public] == ["miss", "hit"]
    assert leaks(public[1].content.decode()) == []


def test_a_page_restricted_after_it_was_cached_is_not_served_from_the_cache(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 600
    about = ColumnPage.objects.get(slug="about", locale__language_code="zh-hans")
    assert client.get("/zh-hans/ncic2027/about/").status_code == 200

    about.audience = Audience.CONFIRMED
    about.save_revision().publish()

    response = client.get("/zh-hans/ncic2027/about/")
    assert response.status_code == 403


def search(client, query, language="en"):
    return client.get(f"/{language}/_search/ncic2027/", {"q": query})


def result_titles(response):
    items = re.findall(
        r'<h2 class="search-result-title"><a href="[^"]*">(.*?)</a></h2>', response.content.decode(), re.S
    )
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", item)) for item in items]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_search_finds_restricted_pages_only_for_those_who_may_see_them(
    client, stranger, registered, confirmed, language
):
    for visitor in (client, stranger):
        response = search(visitor, "SECRET", language)
        assert result_titles(response) == []
        assert leaks(response.content.decode()) == []
    assert len(result_titles(search(registered, "SECRET-HANDBOOK", language))) == 1
    assert result_titles(search(registered, "SECRET-CERTIFICATE", language)) == []
    assert len(result_titles(search(confirmed, "SECRET-CERTIFICATE", language))) == 1


def test_search_shows_restricted_pages_to_editors(user_factory, site):
    editor = staff_client(user_factory, site, Role.EDITOR)

    assert result_titles(search(editor, "SECRET-SLIDES")) == ["Slides"]


def test_the_static_export_leaves_restricted_pages_out(site):
    files = SiteExporter(conference=site, host="localhost").run()

    names = set(files)
    assert "en/ncic2027/about/index.html" in names
    assert not [name for name in names if "attendees" in name or "certificates" in name]
    assert [name for name, content in files.items() if name.endswith(".html") and leaks(content.decode())] == []
    assert not [name for name, content in files.items() if name.endswith(".html") and b"account-link" in content]


def test_the_sitemap_leaves_restricted_pages_out(client, site):
    response = client.get("/sitemap-ncic2027.xml")

    content = response.content.decode()
    assert response.status_code == 200
    assert "/en/ncic2027/about/" in content
    assert "attendees" not in content
    assert "certificates" not in content
    assert "/notice/" not in content


# The link to My conference -------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", sorted(THEMES))
def test_every_layout_links_to_my_conference_the_same_way_for_everyone(client, stranger, site, layout):
    site.theme = layout
    site.save()

    anonymous = client.get("/en/ncic2027/about/").content.decode()
    logged_in = stranger.get("/en/ncic2027/about/").content.decode()

    link = '<a class="account-link" href="/en/_my/ncic2027/">My conference</a>'
    assert link in anonymous
    assert link in logged_in
    assert "zhang.san@example.org" not in logged_in
    assert "Zhang" not in logged_in


def test_the_portal_links_to_the_account(client, site):
    response = client.get("/en/")

    assert '<a class="account-link" href="/en/_account/">My account</a>' in response.content.decode()


def test_the_link_leads_anonymous_visitors_to_log_in_then_to_my_conference(client, site):
    response = client.get("/en/_my/ncic2027/")

    assert response["Location"] == "/en/_account/login/?conference=ncic2027&next=%2Fen%2F_my%2Fncic2027%2F"


def test_editors_choose_the_audience_in_the_settings_tab(site, superuser):
    handbook = ColumnPage.objects.get(slug="attendees", locale__language_code="zh-hans")
    client = Client()
    client.force_login(superuser)

    response = client.get(f"/admin/pages/{handbook.pk}/edit/")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="audience"' in content
    assert '<option value="registered" selected>' in content


# Documents of pages for attendees ------------------------------------------------------------------


def make_document(title, content):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model()(title=title)
    document.file.save(f"{title}.pdf", ContentFile(content), save=False)
    document.save()
    return document


@pytest.fixture
def documents(site, settings, tmp_path):
    """A schedule used only by the page for registered attendees, a call for papers used by that
    page and by a public page, and a file of the library that no page uses."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    handbook = ColumnPage.objects.get(slug="attendees", locale__language_code="zh-hans")
    about = ColumnPage.objects.get(slug="about", locale__language_code="zh-hans")
    schedule = make_document("schedule", b"%PDF-1.4 SECRET-SCHEDULE")
    cfp = make_document("cfp", b"%PDF-1.4 call for papers")
    library = make_document("logo-pack", b"%PDF-1.4 logos")
    handbook.body = [
        {"type": "document", "value": schedule.pk},
        {"type": "document", "value": cfp.pk},
    ]
    handbook.save_revision().publish()
    about.body = [{"type": "document", "value": cfp.pk}]
    about.save_revision().publish()
    return {"schedule": schedule, "cfp": cfp, "library": library}


def download(client, document):
    """``(status, body)`` of the document's address (the file is closed after reading)."""
    response = client.get(f"/documents/{document.pk}/{document.filename}")
    body = read_and_close(response)
    return response, body


def test_a_document_only_attendee_pages_use_is_served_to_attendees_only(client, stranger, registered, documents):
    schedule = documents["schedule"]

    for outsider in (client, stranger):
        refused, body = download(outsider, schedule)
        assert refused.status_code == 403
        assert b"SECRET-SCHEDULE" not in body
        assert "private" in refused["Cache-Control"]
    assert b"/_account/login/" in download(client, schedule)[1]  # the prompt to log in

    served, body = download(registered, schedule)
    assert served.status_code == 200
    assert b"SECRET-SCHEDULE" in body


def test_documents_that_public_pages_or_no_page_use_stay_public(client, documents):
    assert download(client, documents["cfp"])[0].status_code == 200
    assert download(client, documents["library"])[0].status_code == 200


def test_organizers_read_the_documents_of_their_attendee_pages(user_factory, site, documents):
    organizer = staff_client(user_factory, site, Role.ORGANIZER)
    assert download(organizer, documents["schedule"])[0].status_code == 200


def test_document_files_are_not_served_under_the_media_address_in_development(client, documents):
    from django.test import override_settings

    with override_settings(SERVE_MEDIA=True):
        from importlib import reload

        from django.urls import clear_url_caches

        import cms.urls

        reload(cms.urls)
        clear_url_caches()
        try:
            response = client.get(f"/media/{documents['schedule'].file.name}")
        finally:
            reload(cms.urls)
            clear_url_caches()
    assert response.status_code == 404
