"""Hooks through which apps that build on the core plug in without being imported by it."""


class Provider:
    """A function slot another app fills at start-up (``ready()``); empty until then."""

    def __init__(self, default):
        self.function = default

    def set(self, function):
        self.function = function

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


# The site layouts a conference can choose: filled by ``themes``.
theme_choices_provider = Provider(lambda: [("classic", "classic")])


def theme_choices():
    return theme_choices_provider()


# The colour styles a conference can choose: filled by ``themes``.
colour_style_choices_provider = Provider(lambda: [("ocean", "ocean")])


def colour_style_choices():
    return colour_style_choices_provider()
