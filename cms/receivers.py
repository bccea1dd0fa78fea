"""Reactions of the core app to its own models' changes."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.users.models import UserProfile

from cms.models import User


@receiver(post_save, sender=User)
def admin_language_follows_preferred_language(sender, instance, update_fields=None, **kwargs):
    """The Wagtail admin speaks the language the person chose for everything else."""
    if update_fields is not None and "preferred_language" not in update_fields:
        return
    profile = UserProfile.get_for_user(instance)
    if profile.preferred_language != instance.preferred_language:
        profile.preferred_language = instance.preferred_language
        profile.save(update_fields=["preferred_language"])
