from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Submissions")

    def ready(self):
        from submissions.demo import register_seeder, seed_submissions

        register_seeder(seed_submissions, order=50)
        from submissions import emails, receivers  # noqa: F401  (registers messages and receivers)
