"""Addresses for search engines: robots.txt and sitemaps (outside the language prefix)."""

urlpatterns = []
