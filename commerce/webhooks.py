"""Webhook endpoints: find the conference, let its provider verify and apply the message."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cms.models import Conference
from commerce.enums import Provider
from commerce.providers.base import get_provider
from commerce.services.orders import payment_settings_for


def _handle(request, conference_slug, provider_key):
    # A webhook is answered in a few milliseconds: one query for the conference's key (anything
    # else of it loads when asked for) and its payment settings.
    conferences = Conference.objects.select_related("payment_settings").only("id", "slug", "payment_settings")
    conference = get_object_or_404(conferences, slug=conference_slug)
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
