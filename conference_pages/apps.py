from django.apps import AppConfig


class ConferencePagesConfig(AppConfig):
    name = "conference_pages"
    verbose_name = "Conference websites"

    def ready(self):
        from cms.demo import register_seeder
        from conference_pages import receivers  # noqa: F401
        from conference_pages.demo import seed_pages, seed_sections

        register_seeder(seed_pages, order=10)
        register_seeder(seed_sections, order=11)
