import shutil

from django.core.management.base import BaseCommand, CommandError

from cms.models import Conference
from conference_pages.exporting import export_site
from conference_pages.models import SiteExport


class Command(BaseCommand):
    help = "Export a conference's published website, in both languages, as a zip of static HTML."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the conference's short name, e.g. ncic2027")
        parser.add_argument("--output", help="also copy the zip to this path")

    def handle(self, *args, slug, output=None, **options):
        conference = Conference.objects.filter(slug=slug).first()
        if conference is None:
            raise CommandError(f"No conference has the short name {slug!r}.")
        export = SiteExport.objects.create(conference=conference)
        export = export_site(site_export_id=export.pk)
        if output:
            with export.file.open("rb") as source, open(output, "wb") as target:
                shutil.copyfileobj(source, target)
        self.stdout.write(f"Exported {export.pages_total} pages: {output or export.file.path}")
