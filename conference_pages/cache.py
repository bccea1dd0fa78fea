"""Cached reads of the page tree that every page of a site renders (its menu, language links).

Entries are keyed by a version number that any change to the tree bumps (publishing,
unpublishing, moving or deleting a page, changing a site, or saving or deleting an image or a
document), so a change shows at once in every language. The conference lookup of each request is
cached the same way.
"""

from django.core.cache import cache

TREE_VERSION_KEY = "flock:tree-version"
CONFERENCE_VERSION_KEY = "flock:conference-version"
TIMEOUT = 60 * 60


def _version(key):
    version = cache.get(key)
    if version is None:
        version = 1
        cache.add(key, version, None)
    return version


def _bump(key):
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def bump_tree_version(**kwargs):
    _bump(TREE_VERSION_KEY)


def bump_conference_version(**kwargs):
    _bump(CONFERENCE_VERSION_KEY)
    _bump(TREE_VERSION_KEY)


def cached_tree_read(name, parts, compute):
    """``compute()``, cached under ``name`` and ``parts`` until the page tree next changes."""
    key = ":".join(["flock", name, str(_version(TREE_VERSION_KEY)), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def cached_conference_read(parts, compute):
    key = ":".join(["flock", "conference", str(_version(CONFERENCE_VERSION_KEY)), *map(str, parts)])
    value = cache.get(key, default=cache)
    if value is cache:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def chrome_cache_key(page, request, fallback):
    """Key of a page's rendered menu and switcher: changes with the tree, site, page and language."""
    site = getattr(request, "_wagtail_site", None)
    return f"{_version(TREE_VERSION_KEY)}:{site.pk if site else 0}:{page.pk}:{int(bool(fallback))}"
