"""Keep cached reads in step: the call-for-papers page is cached per conference until its
settings or a topic change."""

from django.db.models.signals import post_delete, post_save

from conference_pages.cache import bump_conference_version
from submissions.models import SubmissionSettings, Topic

for model in (SubmissionSettings, Topic):
    post_save.connect(bump_conference_version, sender=model, dispatch_uid=f"flock-{model.__name__}-save")
    post_delete.connect(bump_conference_version, sender=model, dispatch_uid=f"flock-{model.__name__}-delete")
