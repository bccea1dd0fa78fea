from django.apps import AppConfig


class ConferencePagesConfig(AppConfig):
    name = "conference_pages"
    verbose_name = "Conference websites"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from cms.demo import register_seeder
        from cms.enums import Role
        from cms.permissions import ConferenceScopedPermissionPolicy
        from conference_pages.models import SiteExport

        editing = (Role.ORGANIZER, Role.EDITOR)
        register_permission_policy(
            SiteExport,
            ConferenceScopedPermissionPolicy(
                SiteExport, roles={"view": editing, "add": editing}, denied_actions=("change", "delete")
            ),
        )
        from conference_pages import receivers  # noqa: F401
        from conference_pages.demo import seed_pages, seed_sections, seed_visuals

        register_seeder(seed_pages, order=10)
        register_seeder(seed_sections, order=11)
        register_seeder(seed_visuals, order=12)
