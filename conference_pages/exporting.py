"""Exporting a conference's published website as a zip of static HTML.

Every live page of the conference in every language is rendered through the normal page view
(so it looks exactly as online), its links to pages, styles, images and documents are rewritten
to relative addresses, and those files are copied beside it. The result opens from a plain web
server and straight from disk. Site search needs the server, so the exported pages leave the
search box out. Pages for attendees only (``conference_pages.audience``) are left out.
"""

import posixpath
import re
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page

from conference_pages.audience import public_paths_filter
from conference_pages.models import ConferenceHomePage
from conference_pages.models.exports import ExportStatus, SiteExport

ATTRIBUTE_URL = re.compile(r'(?P<attr>\b(?:href|src|action)=")(?P<url>/[^"#?]*)(?P<rest>[^"]*)"')
SRCSET = re.compile(r'\bsrcset="(?P<value>[^"]*)"')
CSS_URL = re.compile(r"url\((?P<quote>['\"]?)(?P<url>[^'\")]+)(?P=quote)\)")
ASSET_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL, "/documents/")


def conference_pages(conference):
    """The live, public pages of ``conference``'s website in every language, in tree order,
    without pages for attendees only."""
    homes = ConferenceHomePage.objects.filter(conference=conference).live()
    pages = Page.objects.none()
    for home in homes:
        pages = pages | Page.objects.descendant_of(home, inclusive=True)
    return public_paths_filter(pages.live().public()).order_by("path")


def page_file(url_path):
    """Where the page at ``url_path`` (``/en/ncic2027/about/``) lives in the export."""
    return url_path.strip("/") + "/index.html" if url_path.strip("/") else "index.html"


def relative(from_file, to_file):
    return posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")


class SiteExporter:
    def __init__(self, *, conference, host):
        self.conference = conference
        self.client = Client(HTTP_HOST=host, HTTP_X_FLOCK_STATIC_EXPORT="1")
        self.page_paths = set()
        self.assets = {}

    def run(self, *, progress=None):
        """Render every page and collect the files they need; return ``{name: bytes}``."""
        pages = list(conference_pages(self.conference))
        urls = [page.get_url() for page in pages]
        self.page_paths = {url for url in urls if url}
        files = {}
        for done, url in enumerate(urls, start=1):
            if url:
                name = page_file(url)
                files[name] = self.render(url, name)
            if progress:
                progress(done, len(urls))
        for url in sorted(self.assets):
            files.update(self.asset_files(url))
        return files

    def render(self, url, name):
        response = self.client.get(url, follow=False)
        if response.status_code in (301, 302):
            location = response["Location"]
            target = escape(self.rewrite_url(name, location) if location.startswith("/") else location)
            return (
                f'<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={target}">'
                f'<a href="{target}">{target}</a>'
            ).encode()
        html = response.content.decode()
        return self.rewrite_html(name, html).encode()

    def rewrite_html(self, name, html):
        def attribute(match):
            return f'{match["attr"]}{self.rewrite_url(name, match["url"])}{match["rest"]}"'

        def srcset(match):
            parts = []
            for candidate in match["value"].split(","):
                url, _sep, size = candidate.strip().partition(" ")
                parts.append(f"{self.rewrite_url(name, url)} {size}".strip())
            return f'srcset="{", ".join(parts)}"'

        return SRCSET.sub(srcset, ATTRIBUTE_URL.sub(attribute, html))

    def rewrite_url(self, from_file, url):
        path = unquote(urlsplit(url).path)
        if path not in self.page_paths:
            path = self.fallback_path(path)
        if path in self.page_paths:
            return relative(from_file, page_file(path))
        if path.startswith(ASSET_PREFIXES):
            self.assets.setdefault(path, None)
            return relative(from_file, path.lstrip("/"))
        return url

    def fallback_path(self, path):
        """A page with no translation is served in the default language under the other prefix;
        the export links to the default language's file instead."""
        parts = path.split("/", 2)
        if len(parts) == 3 and parts[1] != settings.LANGUAGE_CODE:
            default = f"/{settings.LANGUAGE_CODE}/{parts[2]}"
            if default in self.page_paths:
                return default
        return path

    def asset_files(self, url):
        """The file at ``url`` and, for a stylesheet, the files it refers to."""
        content = read_asset(url)
        if content is None:
            return {}
        name = url.lstrip("/")
        files = {name: content}
        if name.endswith(".css"):
            css = content.decode("utf-8")

            def css_url(match):
                target = match["url"]
                if target.startswith(("data:", "http:", "https:", "#")):
                    return match.group(0)
                absolute = posixpath.normpath(posixpath.join(posixpath.dirname(url), target))
                files.update(self.asset_files(absolute))
                return f"url({match['quote']}{relative(name, absolute.lstrip('/'))}{match['quote']})"

            files[name] = CSS_URL.sub(css_url, css).encode("utf-8")
        return files


def read_asset(url):
    if url.startswith(settings.STATIC_URL):
        found = finders.find(url[len(settings.STATIC_URL) :])
        return Path(found).read_bytes() if found else None
    if url.startswith(settings.MEDIA_URL):
        relative_name = url[len(settings.MEDIA_URL) :]
        if default_storage.exists(relative_name):
            with default_storage.open(relative_name) as handle:
                return handle.read()
        return None
    if url.startswith("/documents/"):
        from wagtail.documents.models import Document

        match = re.match(r"^/documents/(\d+)/", url)
        document = Document.objects.filter(pk=match.group(1)).first() if match else None
        if document is None:
            return None
        with document.file.open("rb") as handle:
            return handle.read()
    return None


def export_host():
    """A host name this installation answers to: the default site's, else the first allowed one."""
    from django.http.request import validate_host
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    candidates = ([site.hostname] if site else []) + [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"]
    return next((host for host in candidates if validate_host(host, settings.ALLOWED_HOSTS)), "localhost")


def export_site(*, site_export_id, host=None):
    """Build the zip of a ``SiteExport`` and record progress on it as pages are rendered.

    Side effects: the export row moves queued → running → done (with its file) or failed (with
    the error); progress is saved every few pages so the admin can show it.
    """
    export = SiteExport.objects.select_related("conference").get(pk=site_export_id)
    SiteExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)

    def progress(done, total):
        if done == total or done % 5 == 0:
            SiteExport.objects.filter(pk=export.pk).update(pages_done=done, pages_total=total)

    try:
        files = SiteExporter(conference=export.conference, host=host or export_host()).run(progress=progress)
        with tempfile.TemporaryFile() as buffer:
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for name in sorted(files):
                    archive.writestr(name, files[name])
            buffer.seek(0)
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            export.refresh_from_db()
            export.file.save(f"{export.conference.slug}-{stamp}.zip", File(buffer), save=False)
        export.status, export.finished_at = ExportStatus.DONE, timezone.now()
        export.save(update_fields=["file", "status", "finished_at"])
    except Exception as exc:  # noqa: BLE001 - the failure is recorded for the organizer to see
        SiteExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        raise
    return export


def request_export(*, conference, user=None):
    """Queue an export of ``conference``'s website; the task starts after the transaction commits."""
    from django_q.tasks import async_task

    export = SiteExport.objects.create(conference=conference, created_by=user)
    transaction.on_commit(
        lambda: async_task(
            "conference_pages.tasks.task_export_site", site_export_id=export.pk, task_name=f"export-{export.pk}"
        )
    )
    return export
