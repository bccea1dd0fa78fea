import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.images.models import Image

from cms.models import Conference, EmailLog, User
from conference_pages.models import ArticlePage, ColumnPage, ConferenceHomePage, SpeakerPage

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def translated(entry):
    texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    return all(texts) and "fuzzy" not in entry.flags


def catalogue(entries):
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, tuple(e.msgstr_plural.values()))
        for e in entries
        if e.msgid and not e.obsolete
    }


@pytest.mark.smoke
def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(PO))

    assert [entry.msgid for entry in po if not translated(entry)] == []


def test_compiled_catalogue_matches_the_po_file():
    compiled = polib.mofile(str(PO.with_suffix(".mo")))

    assert catalogue(compiled) == catalogue(polib.pofile(str(PO)))


def run_with_production_settings(environment, code="import django; django.setup(); print('started')"):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "cms.settings.production", **environment})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz!@#$",
    "ALLOWED_HOSTS": "conferences.example.org",
    "DATABASE_URL": "sqlite:////tmp/flock-deploy-check.sqlite3",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_setting(missing):
    environment = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

    result = run_with_production_settings(environment)

    assert result.returncode != 0
    assert missing in result.stderr.splitlines()[-1]


def test_production_refuses_a_weak_secret_key():
    result = run_with_production_settings({**PRODUCTION_ENV, "SECRET_KEY": "short"})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]


def test_check_deploy_is_clean_under_production_settings():
    code = "import django; django.setup(); from django.core.management import call_command; call_command('check', '--deploy', '--fail-level', 'WARNING')"

    result = run_with_production_settings(PRODUCTION_ENV, code)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.smoke
def test_seed_demo_is_idempotent_and_bilingual(capsys, client, demo_clock):
    call_command("seed_demo")
    first = capsys.readouterr().out
    zh = client.get("/zh-hans/ncic2027/call-for-papers/important-dates/").content.decode()
    en = client.get("/en/ncic2027/call-for-papers/important-dates/").content.decode()
    assert "全文截稿：2027年1月31日" in zh
    assert "Full papers due: 31 January 2027" in en
    counts = (
        Conference.objects.count(),
        User.objects.count(),
        ConferenceHomePage.objects.count(),
        ColumnPage.objects.count(),
        ArticlePage.objects.count(),
        EmailLog.objects.count(),
        Image.objects.count(),
    )
    revisions = sorted(
        [
            *ConferenceHomePage.objects.values_list("latest_revision_id", flat=True),
            *SpeakerPage.objects.values_list("latest_revision_id", flat=True),
        ]
    )

    call_command("seed_demo")

    assert counts == (
        Conference.objects.count(),
        User.objects.count(),
        ConferenceHomePage.objects.count(),
        ColumnPage.objects.count(),
        ArticlePage.objects.count(),
        EmailLog.objects.count(),
        Image.objects.count(),
    )
    assert revisions == sorted(
        [
            *ConferenceHomePage.objects.values_list("latest_revision_id", flat=True),
            *SpeakerPage.objects.values_list("latest_revision_id", flat=True),
        ]
    )
    assert "organizer@ncic2027.flock.example / flock-demo-2027" in first
    assert counts[:5] == (2, 78, 4, 24, 14)  # 78: 10, 60 registered, a review chair, 6 reviewers, check-in staff
    # Every featured speaker has a portrait, in both languages, in the conference's collection.
    featured = SpeakerPage.objects.filter(featured=True).order_by("slug", "locale__language_code")
    assert list(featured.values_list("slug", "locale__language_code", "photo__title", "photo__collection__name")) == [
        (slug, language, f"speaker-{slug}", "ncic2027")
        for slug in ["li-na", "maria-rossi", "zhou-tao"]
        for language in ["en", "zh-hans"]
    ]
    assert {speaker.photo.file.name.rsplit(".", 1)[-1] for speaker in featured} == {"jpg"}
    assert {(speaker.photo.width, speaker.photo.height) for speaker in featured} == {(600, 600)}
