from wagtail import hooks

from conference_pages.viewsets import SiteExportViewSet


@hooks.register("register_admin_viewset")
def register_viewsets():
    return SiteExportViewSet()
