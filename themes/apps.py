from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = "Themes"

    def ready(self):
        from cms.extension_points import theme_choices_provider
        from themes.registry import theme_choices

        theme_choices_provider.set(theme_choices)
