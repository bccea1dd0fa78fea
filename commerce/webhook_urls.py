"""Provider notifications (no language prefix, no CSRF: they are verified by signature)."""

from django.urls import path

from commerce import webhooks

app_name = "commerce_webhooks"

urlpatterns = [
    path("stripe/<slug:conference_slug>/", webhooks.stripe_webhook, name="stripe"),
    path("alipay/<slug:conference_slug>/", webhooks.alipay_notify, name="alipay"),
]
