"""Payer pages, under the language prefix: ``/<language>/_orders/<conference>/…``.

Page slugs cannot start with an underscore, so these addresses never hide a page of the site.
"""

from django.urls import path

from commerce import views

app_name = "commerce"

urlpatterns = [
    path("_orders/<slug:conference_slug>/", views.my_orders, name="my_orders"),
    path("_orders/<slug:conference_slug>/<str:code>/", views.order_detail, name="order"),
    path("_orders/<slug:conference_slug>/<str:code>/pay/", views.pay, name="pay"),
    path("_orders/<slug:conference_slug>/<str:code>/proof/", views.upload_proof, name="upload_proof"),
    path("_orders/<slug:conference_slug>/<str:code>/proof/<int:proof_id>/", views.proof_file, name="proof_file"),
    path("_orders/<slug:conference_slug>/<str:code>/invoice/", views.invoice_request, name="invoice_request"),
    path("_orders/<slug:conference_slug>/<str:code>/invoice.pdf", views.invoice_file, name="invoice_file"),
    path("_orders/<slug:conference_slug>/<str:code>/receipt.pdf", views.receipt_pdf, name="receipt"),
    path("_orders/<slug:conference_slug>/<str:code>/return/", views.payment_return, name="payment_return"),
]
