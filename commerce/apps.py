from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = _("Orders and payments")

    def ready(self):
        from cms.demo import register_seeder
        from commerce import emails  # noqa: F401
        from commerce.demo import seed_commerce
        from commerce.policies import register_policies
        from commerce.tasks import ensure_schedules

        register_policies()
        post_migrate.connect(ensure_schedules, sender=self)
        register_seeder(seed_commerce, order=30)
