"""Keep the search index in step with the page tree.

Publishing (including wagtail-localize's updates of aliases and scheduled publishing) writes a
page's entry, unpublishing removes it, and a move indexes the moved pages again. Deleting a page
deletes its entry by the foreign key's ``CASCADE``; a slug change or a renamed parent needs
nothing, because addresses and breadcrumbs are read from the page tree when searching.
"""

from wagtail.signals import page_published, page_unpublished, post_page_move

from search.services import index_page, index_subtree, unindex_page


def page_was_published(sender, instance, **kwargs):
    index_page(page=instance)


def page_was_unpublished(sender, instance, **kwargs):
    unindex_page(page=instance)


def page_was_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    if parent_page_before.pk != parent_page_after.pk:  # not a mere change of order
        index_subtree(page=instance)


page_published.connect(page_was_published, dispatch_uid="flock-search-published")
page_unpublished.connect(page_was_unpublished, dispatch_uid="flock-search-unpublished")
post_page_move.connect(page_was_moved, dispatch_uid="flock-search-moved")
