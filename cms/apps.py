from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Flock"

    def ready(self):
        from cms import receivers  # noqa: F401
        from cms.policies import register_policies

        register_policies()
