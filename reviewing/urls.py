"""Public pages of review, under the language prefix: ``/<language>/_review/…``. Page slugs
cannot start with an underscore, so these addresses never hide a page of a site."""

from django.urls import path

from reviewing import views

app_name = "reviewing"

urlpatterns = [
    path("_review/invitation/<str:token>/", views.invitation, name="invitation"),
    path("_review/conflicts/<slug:conference_slug>/<str:code>/", views.author_conflicts, name="author_conflicts"),
]
