"""The attendee's registration pages, under the language prefix.

``/<language>/_register/<conference>/`` registers (the wizard); ``/<language>/_my/<conference>/``
is My conference, with the actions on one registration below it. Page slugs cannot start with an
underscore, so these addresses never hide a page of a conference's site.
"""

from django.urls import path

from attendance import views, wizards

app_name = "attendance"

urlpatterns = [
    path("_register/<slug:conference_slug>/", wizards.register_view, name="register"),
    path("_my/<slug:conference_slug>/", views.my_conference, name="my_conference"),
    path("_my/<slug:conference_slug>/<str:code>/pay/", views.pay, name="pay"),
    path("_my/<slug:conference_slug>/<str:code>/edit/", views.edit, name="edit"),
    path("_my/<slug:conference_slug>/<str:code>/withdraw/", views.withdraw, name="withdraw"),
]
