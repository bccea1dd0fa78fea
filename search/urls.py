"""Public site search (under the language prefix).

The address starts with ``_search/``: page slugs cannot start with an underscore, so it never
hides a page of the conference's site that Wagtail would serve.
"""

from django.urls import path

from search import views

urlpatterns = [
    path("_search/<slug:conference_slug>/", views.site_search, name="site_search"),
]
