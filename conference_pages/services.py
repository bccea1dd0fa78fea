"""Writes to the page tree: locales, the portal, and each conference's website."""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import translation
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site
from wagtail_localize.models import LocaleSynchronization

from cms.enums import Role
from cms.services.conferences import role_group
from conference_pages.models import ColumnPage, ConferenceHomePage, PortalPage

# The columns every new conference site starts with: (slug, Chinese title, English title).
DEFAULT_COLUMNS = [
    ("about", "会议简介", "About"),
    ("call-for-papers", "征文通知", "Call for Papers"),
    ("registration", "参会注册", "Registration"),
    ("accommodation", "酒店住宿", "Accommodation"),
    ("program", "会议日程", "Program"),
    ("contact", "联系我们", "Contact"),
]
DEFAULT_COLUMN_ICONS = {
    "about": "info",
    "call-for-papers": "paper",
    "registration": "registration",
    "accommodation": "hotel",
    "program": "calendar",
    "contact": "contact",
}
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
# Model permissions the editing roles hold (their use is scoped by the page permissions).
EDITING_MODEL_PERMISSIONS = [("wagtail_localize", "submit_translation")]
EDITING_ROLES = (Role.ORGANIZER, Role.EDITOR)


def default_locale():
    return ensure_locales()[settings.LANGUAGE_CODE]


def ensure_locales():
    """Create the site's locales; English pages are kept in sync with the Chinese tree."""
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code, _label in settings.LANGUAGES}
    source = locales[settings.LANGUAGE_CODE]
    for locale in locales.values():
        if locale != source:
            LocaleSynchronization.objects.get_or_create(locale=locale, defaults={"sync_from": source})
    return locales


def translate_page(page, locale, **fields):
    """Return ``page``'s own translation in ``locale`` with ``fields`` set, published.

    An alias made by the synchronised tree becomes a real translation; a missing one is copied.
    """
    translation_page = page.get_translation_or_none(locale)
    if translation_page is None:
        translation_page = page.copy_for_translation(locale, copy_parents=True)
    translation_page = translation_page.specific
    if translation_page.alias_of_id:
        translation_page.alias_of = None
    for name, value in fields.items():
        setattr(translation_page, name, value)
    translation_page.save_revision().publish()
    return translation_page.specific_class.objects.get(pk=translation_page.pk)


def add_page(parent, page):
    """Add ``page`` under ``parent`` and publish it, keeping a first revision."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


@transaction.atomic
def ensure_portal():
    """The platform portal in every locale, as the root of the default site."""
    locales = ensure_locales()
    source = locales[settings.LANGUAGE_CODE]
    portal = PortalPage.objects.filter(locale=source).first()
    if portal is None:
        root = Page.get_first_root_node()
        portal = add_page(root, PortalPage(title="Flock 学术会议平台", slug="conferences", locale=source))
    for locale in locales.values():
        if locale != source and portal.get_translation_or_none(locale) is None:
            translate_page(portal, locale, title="Flock academic conferences")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=portal, is_default_site=True, site_name="Flock")
    elif site.root_page_id != portal.pk:
        site.root_page = portal
        site.save(update_fields=["root_page"])
    return portal


@transaction.atomic
def build_conference_site(*, conference):
    """Create ``conference``'s home page in every locale with the default columns, its image and
    document collection, and page permissions for its organizers and editors.

    Does nothing for a conference whose site exists already.
    """
    if ConferenceHomePage.objects.filter(conference=conference).exists():
        return
    portal = ensure_portal()
    locales = ensure_locales()
    source = locales[settings.LANGUAGE_CODE]
    home = add_page(
        portal, ConferenceHomePage(title=conference.name_zh, slug=conference.slug, conference=conference, locale=source)
    )
    homes = [home]
    for code, locale in locales.items():
        if locale != source:
            with translation.override(code):
                homes.append(translate_page(home, locale, title=conference.localized("name", code)))
    for slug, title_zh, title_en in DEFAULT_COLUMNS:
        column = add_page(home, ColumnPage(title=title_zh, slug=slug, icon=DEFAULT_COLUMN_ICONS[slug], locale=source))
        for locale in locales.values():
            if locale != source:
                translate_page(column, locale, title=title_en)
    grant_editing_permissions(conference=conference, pages=homes)


def grant_editing_permissions(*, conference, pages):
    collection = conference_collection(conference)
    page_permissions = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS)
    media_permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in MEDIA_PERMISSIONS
    ]
    model_permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in EDITING_MODEL_PERMISSIONS
    ]
    for role in EDITING_ROLES:
        group = role_group(conference, role)
        group.permissions.add(*model_permissions)
        for page in pages:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
        for permission in media_permissions:
            GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def conference_collection(conference):
    """The image and document collection of ``conference``, under the root collection."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=conference.slug).first()
    return existing or root.add_child(name=conference.slug)
