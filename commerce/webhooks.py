"""Webhook endpoints: find the conference, let its provider verify and apply the message."""

import time

from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cms.models import Conference
from commerce.enums import Provider
from commerce.models import PaymentSettings
from commerce.providers.base import get_provider
from commerce.services.orders import payment_settings_for

# The conference and its payment settings (with the keys decrypted once), kept by each worker
# process for a few seconds: a busy provider delivers many notifications a second. A change of
# the settings is seen at once by the process that saved it and within ``SETTINGS_TTL`` seconds by
# the others; meanwhile a notification signed with a new key is refused (400) and the provider
# delivers it again later, as it does after any failure. Never kept in the shared cache: the
# settings hold secrets.
SETTINGS_TTL = 15.0
_recent = {}


def forget_webhook_settings(**kwargs):
    _recent.clear()


post_save.connect(forget_webhook_settings, sender=PaymentSettings, dispatch_uid="flock-webhook-settings-save")
post_delete.connect(forget_webhook_settings, sender=PaymentSettings, dispatch_uid="flock-webhook-settings-delete")
post_save.connect(forget_webhook_settings, sender=Conference, dispatch_uid="flock-webhook-conference-save")


def conference_for_webhook(conference_slug):
    """The conference of the address with its payment settings attached (one query at most every
    ``SETTINGS_TTL`` seconds per process); 404 for an unknown one."""
    now = time.monotonic()
    recent = _recent.get(conference_slug)
    if recent is not None and recent[0] > now:
        return recent[1]
    # One query for the conference's key (anything else of it loads when asked for) and its
    # payment settings.
    conferences = Conference.objects.select_related("payment_settings").only("id", "slug", "payment_settings")
    conference = get_object_or_404(conferences, slug=conference_slug)
    payment_settings_for(conference)
    _recent[conference_slug] = (now + SETTINGS_TTL, conference)
    return conference


def _handle(request, conference_slug, provider_key):
    conference = conference_for_webhook(conference_slug)
    provider = get_provider(provider_key)
    if not provider.is_configured(payment_settings_for(conference)):
        raise Http404
    return provider.handle_callback(request=request, conference=conference)


@csrf_exempt
@require_POST
def stripe_webhook(request, conference_slug):
    return _handle(request, conference_slug, Provider.STRIPE)


@csrf_exempt
@require_POST
def alipay_notify(request, conference_slug):
    return _handle(request, conference_slug, Provider.ALIPAY)
