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
