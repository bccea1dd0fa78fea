import pytest
from django.utils import translation

from conference_pages.models import ConferenceHomePage
from themes.registry import DEFAULT_THEME, get_theme, theme_choices

pytestmark = pytest.mark.django_db


def test_unknown_theme_falls_back_to_default():
    assert get_theme("removed-theme").key == DEFAULT_THEME


def test_conference_with_removed_theme_still_renders(client, conference):
    type(conference).objects.filter(pk=conference.pk).update(theme="removed-theme")

    response = client.get("/zh-hans/ncic2027/")

    assert response.status_code == 200
    assert "theme-classic" in response.content.decode()


def test_theme_choices_come_from_the_registry():
    with translation.override("en"):
        assert ("classic", "Classic academic (top menu)") in [(key, str(label)) for key, label in theme_choices()]


def test_home_page_slug_follows_conference_slug(conference):
    home = ConferenceHomePage.objects.get(conference=conference, locale__language_code="zh-hans")
    home.slug = "something-else"

    home.full_clean()

    assert home.slug == "ncic2027"


def test_organizer_previews_a_colour_style_without_saving(client, conference, user_factory):
    from cms.enums import Role
    from cms.services.conferences import grant_role

    organizer = user_factory()
    grant_role(conference=conference, user=organizer, role=Role.ORGANIZER, notify=False)
    client.force_login(organizer)

    html = client.get("/zh-hans/ncic2027/?colour=jade").content.decode()

    assert "colour-jade" in html
    conference.refresh_from_db()
    assert conference.colour_style == "ocean"


def test_visitors_cannot_preview(client, conference, user_factory):
    assert "colour-ocean" in client.get("/zh-hans/ncic2027/?colour=jade").content.decode()
    client.force_login(user_factory())
    assert "colour-ocean" in client.get("/zh-hans/ncic2027/?colour=jade&layout=classic").content.decode()


def test_unknown_preview_keys_are_ignored(client, conference, superuser):
    client.force_login(superuser)

    html = client.get("/zh-hans/ncic2027/?colour=<script>&layout=../../etc").content.decode()

    assert "colour-ocean" in html and "theme-classic" in html and "<script>" not in html


def test_layout_preview_page_lists_every_layout_and_colour(client, conference, superuser):
    from django.urls import reverse

    from themes.registry import COLOUR_STYLES, THEMES

    client.force_login(superuser)

    html = client.get(reverse("conferences:layouts", args=[conference.pk])).content.decode()

    for key in THEMES:
        assert f"?layout={key}" in html
    for key in COLOUR_STYLES:
        assert f"?colour={key}" in html
