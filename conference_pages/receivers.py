"""Reactions of the website app to the core app's signals."""

from django.dispatch import receiver

from cms.signals import conference_created
from conference_pages.services import build_conference_site


@receiver(conference_created)
def build_site_for_new_conference(sender, conference, **kwargs):
    build_conference_site(conference=conference)
