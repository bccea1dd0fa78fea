import io
import posixpath
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from cms.demo import seed_demo
from conference_pages.exporting import conference_pages, export_site, request_export
from conference_pages.models import ArticlePage, ColumnPage, ConferenceHomePage, ExportStatus, LinkPage, SiteExport
from conference_pages.services import add_page

pytestmark = pytest.mark.django_db

LINK = re.compile(r'\b(?:href|src)="([^"]+)"')


def internal_links(archive, name):
    html = archive.read(name).decode()
    for url in LINK.findall(html):
        if url.startswith(("http:", "https:", "mailto:", "tel:", "#", "data:")):
            continue
        yield posixpath.normpath(posixpath.join(posixpath.dirname(name), url.split("#")[0]))


@pytest.fixture
def exported(conference):
    zh_home = ConferenceHomePage.objects.get(conference=conference, locale__language_code="zh-hans")
    about = ColumnPage.objects.child_of(zh_home).get(slug="about")
    document = Document.objects.create(title="会议手册", file=ContentFile(b"%PDF-1.4 handbook", name="handbook.pdf"))
    body = [{"type": "document", "value": document.pk}]
    add_page(about, ArticlePage(title="会议手册", slug="handbook", body=body, locale=about.locale))
    add_page(
        zh_home, LinkPage(title="学会", slug="society", link_url="https://society.example.org/", locale=zh_home.locale)
    )
    export = SiteExport.objects.create(conference=conference)
    export_site(site_export_id=export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return export, archive


@pytest.mark.smoke
def test_export_has_every_live_page_in_both_languages(conference, exported):
    export, archive = exported
    pages = [name for name in archive.namelist() if name.endswith("index.html")]

    assert export.status == ExportStatus.DONE
    assert (export.pages_done, export.pages_total) == (len(pages), len(pages))
    assert len(pages) == conference_pages(conference).count()
    assert "zh-hans/ncic2027/index.html" in pages and "en/ncic2027/about/index.html" in pages


def test_export_has_no_broken_links(exported):
    _export, archive = exported
    names = set(archive.namelist())

    broken = [
        (name, target)
        for name in names
        if name.endswith(".html")
        for target in internal_links(archive, name)
        if target not in names
    ]

    assert broken == []


def test_exported_pages_use_relative_addresses_and_carry_their_files(exported):
    _export, archive = exported
    html = archive.read("en/ncic2027/about/index.html").decode()

    assert 'href="../../../static/themes/' in html
    assert 'href="../../../zh-hans/ncic2027/about/index.html"' in html
    assert 'href="/' not in html and 'src="/' not in html
    assert "site-search" not in html
    documents = [name for name in archive.namelist() if re.fullmatch(r"documents/\d+/handbook\w*\.pdf", name)]
    assert [archive.read(name) for name in documents] == [b"%PDF-1.4 handbook"]
    assert archive.read("zh-hans/ncic2027/society/index.html").decode().count("https://society.example.org/") == 3


def test_export_of_demo_conference_covers_the_tree(settings, demo_clock):
    seed_demo()
    conference = ConferenceHomePage.objects.get(slug="ncic2027", locale__language_code="zh-hans").conference
    export = SiteExport.objects.create(conference=conference)

    export_site(site_export_id=export.pk)

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert export.pages_total == conference_pages(conference).count() > 30


def test_request_export_queues_a_task_after_commit(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = request_export(conference=conference)

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert export.file.name.startswith("site-exports/ncic2027-")


def test_failed_export_is_recorded(conference, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("conference_pages.exporting.SiteExporter.run", explode)
    export = SiteExport.objects.create(conference=conference)

    with pytest.raises(RuntimeError):
        export_site(site_export_id=export.pk)

    export.refresh_from_db()
    assert (export.status, export.error) == (ExportStatus.FAILED, "RuntimeError: disk full")


def test_command_writes_the_zip(conference, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    call_command("export_site", "ncic2027", "--output", str(tmp_path / "site.zip"))

    archive = zipfile.ZipFile(tmp_path / "site.zip")
    assert "en/ncic2027/index.html" in archive.namelist()
    assert "Exported" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("export_site", "nope")


@pytest.fixture
def editor(conference, user_factory):
    from cms.enums import Role
    from cms.services.conferences import grant_role

    user = user_factory()
    grant_role(conference=conference, user=user, role=Role.EDITOR, notify=False)
    return user


def test_editor_starts_export_and_downloads_it(client, conference, editor, django_capture_on_commit_callbacks):
    from django.urls import reverse

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("site_exports:start"), {"conference": conference.pk})
    export = SiteExport.objects.get()
    listing = client.get(reverse("site_exports:index")).content.decode()
    download = client.get(reverse("site_exports:download", args=[export.pk]))

    assert response.status_code == 302
    assert reverse("site_exports:download", args=[export.pk]) in listing
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()


def test_nobody_exports_or_downloads_another_conference(client, make_conference, editor):
    from django.urls import reverse

    other = make_conference(slug="other2027")
    theirs = SiteExport.objects.create(conference=other, status=ExportStatus.DONE, file="site-exports/x.zip")
    client.force_login(editor)

    assert client.post(reverse("site_exports:start"), {"conference": other.pk}).status_code == 404
    assert client.post(reverse("site_exports:start"), {"conference": "x"}).status_code == 404
    assert client.get(reverse("site_exports:download", args=[theirs.pk])).status_code == 404
    assert "other2027" not in client.get(reverse("site_exports:index")).content.decode()
    assert SiteExport.objects.count() == 1
