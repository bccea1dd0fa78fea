"""The author's pages, under the language prefix: the call for papers and a new submission under
``/<language>/_submit/<conference>/``, the person's submissions under
``/<language>/_my/<conference>/submissions/``. Page slugs cannot start with an underscore, so these
addresses never hide a page of a conference's site."""

from django.urls import path

from submissions import views

app_name = "submissions"

MY = "_my/<slug:conference_slug>/submissions/"
ONE = MY + "<str:code>/"

urlpatterns = [
    path("_submit/<slug:conference_slug>/", views.call_for_papers_view, name="submit"),
    path("_submit/<slug:conference_slug>/new/", views.new, name="new"),
    path(MY, views.mine, name="mine"),
    path(ONE, views.detail, name="detail"),
    path(ONE + "edit/", views.edit, name="edit"),
    path(ONE + "upload/", views.upload, name="upload"),
    path(ONE + "submit/", views.submit, name="submit_draft"),
    path(ONE + "withdraw/", views.withdraw, name="withdraw"),
    path(ONE + "files/<int:file_id>/", views.download, name="file"),
]
