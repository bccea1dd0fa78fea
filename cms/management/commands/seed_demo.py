from django.core.management.base import BaseCommand
from django.db import transaction

from cms.demo import DEMO_PASSWORD, SCENARIO_NOW, seed_demo


class Command(BaseCommand):
    help = "Create the bilingual demo conferences, pages and accounts (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            context = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo ready: http://127.0.0.1:8000/zh-hans/ncic2027/"))
        if context.as_of_scenario:
            self.stdout.write(
                f"The demo was made as of {SCENARIO_NOW:%Y-%m-%d}: its deadlines have passed since, so its "
                "calls for papers, registration and hotel bookings show as closed."
            )
        self.stdout.write("Admin: http://127.0.0.1:8000/admin/")
        for label, email in context.logins:
            self.stdout.write(f"  {label}: {email} / {DEMO_PASSWORD}")
