from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewingConfig(AppConfig):
    name = "reviewing"
    verbose_name = _("Review")

    def ready(self):
        from reviewing import emails  # noqa: F401  (registers the messages)
        from reviewing.demo import register_seeder, seed_reviewing
        from reviewing.sections import author_conflicts_section, author_decision_section
        from submissions.extension_points import register_author_section

        register_author_section(author_decision_section)
        register_author_section(author_conflicts_section)
        register_seeder(seed_reviewing, order=60)
        from django.db.models.signals import post_migrate

        from reviewing.tasks import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self)
