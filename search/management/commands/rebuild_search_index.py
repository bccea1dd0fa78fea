from django.core.management.base import BaseCommand, CommandError

from cms.models import Conference
from search.services import rebuild_index


class Command(BaseCommand):
    help = "Index every live page of the conference websites again for the site search."

    def add_arguments(self, parser):
        parser.add_argument("--conference", metavar="SLUG", help="Only this conference (by its slug).")

    def handle(self, *args, conference=None, **options):
        target = None
        if conference:
            target = Conference.objects.filter(slug=conference).first()
            if target is None:
                raise CommandError(f"There is no conference {conference!r}.")
        written = rebuild_index(conference=target)
        self.stdout.write(self.style.SUCCESS(f"Indexed {written} pages."))
