"""Reactions of the website app to the core app's signals and to changes of the page tree and of
the images and documents that pages show."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms.models import Conference
from cms.signals import conference_created
from conference_pages.cache import bump_conference_version, bump_tree_version
from conference_pages.services import build_conference_site


@receiver(conference_created)
def build_site_for_new_conference(sender, conference, **kwargs):
    build_conference_site(conference=conference)


for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
    signal.connect(bump_tree_version, dispatch_uid=f"flock-tree-{signal!r}")
post_delete.connect(bump_tree_version, sender=Page, dispatch_uid="flock-tree-delete")
post_save.connect(bump_tree_version, sender=PageViewRestriction, dispatch_uid="flock-restriction-save")
post_delete.connect(bump_tree_version, sender=PageViewRestriction, dispatch_uid="flock-restriction-delete")
post_save.connect(bump_conference_version, sender=Site, dispatch_uid="flock-site-save")
post_delete.connect(bump_conference_version, sender=Site, dispatch_uid="flock-site-delete")
post_save.connect(bump_conference_version, sender=Conference, dispatch_uid="flock-conference-save")

# Cached pages, menus and visuals hold the addresses of image renditions and documents: replacing
# or deleting a file (which needs no page to be published) shows at once too. The admin deletes an
# image's renditions after saving its new file, so their deletion bumps the version again.
for model in (get_image_model(), get_document_model()):
    post_save.connect(bump_tree_version, sender=model, dispatch_uid=f"flock-media-save-{model._meta.label}")
    post_delete.connect(bump_tree_version, sender=model, dispatch_uid=f"flock-media-delete-{model._meta.label}")
post_delete.connect(
    bump_tree_version, sender=get_image_model().get_rendition_model(), dispatch_uid="flock-rendition-delete"
)
