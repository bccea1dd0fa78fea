from wagtail import hooks

from conference_pages.audience import serve_document_for_audience
from conference_pages.viewsets import SiteExportViewSet


@hooks.register("register_admin_viewset")
def register_viewsets():
    return SiteExportViewSet()


@hooks.register("before_serve_document")
def documents_of_attendee_pages(document, request):
    """A document that only pages for attendees use is for those attendees too."""
    return serve_document_for_audience(document, request)
