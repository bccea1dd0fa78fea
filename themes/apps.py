from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = "Themes"

    def ready(self):
        from cms.extension_points import colour_style_choices_provider, theme_choices_provider
        from themes.registry import colour_style_choices, theme_choices

        theme_choices_provider.set(theme_choices)
        colour_style_choices_provider.set(colour_style_choices)
