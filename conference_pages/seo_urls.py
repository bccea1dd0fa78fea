"""Addresses for search engines: robots.txt and sitemaps (outside the language prefix)."""

from django.urls import path

from conference_pages import seo

urlpatterns = [
    path("robots.txt", seo.robots_txt, name="seo_robots_txt"),
    path("sitemap.xml", seo.sitemap_index, name="seo_sitemap_index"),
    # Conference slugs have no underscore, so the portal's sitemap cannot clash with one of theirs.
    path("sitemap_portal.xml", seo.portal_sitemap, name="seo_portal_sitemap"),
    path("sitemap-<slug:slug>.xml", seo.conference_sitemap, name="seo_conference_sitemap"),
]
