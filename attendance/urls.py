"""The attendee's registration pages, under the language prefix.

``/<language>/_register/<conference>/`` registers (the wizard); ``/<language>/_my/<conference>/``
is My conference, with the actions on one registration below it, and its hotel (``hotels/``) and
tour (``tours/``) pages. Page slugs cannot start with an
underscore, so these addresses never hide a page of a conference's site.

``/<language>/c/<token>/`` is what a registration's QR code opens (``views.qr_code``); the code holds
the address without the language (``/c/<token>/``), which the locale middleware sends to the
scanning phone's language. Conference slugs have three letters or more, so ``c`` is no conference.
"""

from django.urls import path

from attendance import booking_views, views, wizards

app_name = "attendance"

urlpatterns = [
    path("_register/<slug:conference_slug>/", wizards.register_view, name="register"),
    path("_my/<slug:conference_slug>/", views.my_conference, name="my_conference"),
    path("_my/<slug:conference_slug>/<str:code>/pay/", views.pay, name="pay"),
    path("_my/<slug:conference_slug>/<str:code>/edit/", views.edit, name="edit"),
    path("_my/<slug:conference_slug>/<str:code>/withdraw/", views.withdraw, name="withdraw"),
    path("_my/<slug:conference_slug>/hotels/", booking_views.hotels, name="hotels"),
    path("_my/<slug:conference_slug>/hotels/<int:pk>/change/", booking_views.hotel_change, name="hotel_change"),
    path("_my/<slug:conference_slug>/hotels/<int:pk>/cancel/", booking_views.hotel_cancel, name="hotel_cancel"),
    path("_my/<slug:conference_slug>/tours/", booking_views.tours, name="tours"),
    path("_my/<slug:conference_slug>/tours/<int:pk>/book/", booking_views.tour_book, name="tour_book"),
    path("_my/<slug:conference_slug>/tours/bookings/<int:pk>/accept/", booking_views.tour_accept, name="tour_accept"),
    path("_my/<slug:conference_slug>/tours/bookings/<int:pk>/cancel/", booking_views.tour_cancel, name="tour_cancel"),
    path("_my/<slug:conference_slug>/<str:code>/letter/", views.letter, name="letter"),
    path("c/<str:token>/", views.qr_code, name="qr_code"),
]
