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


# A person's standing in a conference's registration: ``None`` (not logged in or not
# registered), ``"registered"`` (a registration that holds a place but is not confirmed yet) or
# ``"confirmed"``. Called as ``attendee_status_provider(user, conference)`` (a ``Conference`` or
# its pk); filled by ``attendance`` (``attendance.selectors.attendee_status``). Pages for
# attendees only (``conference_pages``) ask it without importing ``attendance``.
ATTENDEE_REGISTERED = "registered"
ATTENDEE_CONFIRMED = "confirmed"
attendee_status_provider = Provider(lambda user, conference: None)


def attendee_status(user, conference):
    return attendee_status_provider(user, conference)
