"""Mail to attendees about their registration, in the registration's language.

Each message goes through ``cms.services.mail.send_templated_mail`` (logged, delivered after
commit). The context has ``registration``, ``my_conference_url`` and, when there is one,
``order`` and ``order_url``; see ``attendance.emails`` for the keys.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from cms.services.mail import send_templated_mail

# The URL name of the attendee's page for one conference (built by the views).
MY_CONFERENCE_URL_NAME = "attendance:my_conference"


def my_conference_url(registration):
    """The absolute address of the attendee's "My conference" page, in the registration's
    language; the conference's home page until that page exists."""
    slug = registration.conference.slug
    with translation.override(registration.language):
        try:
            path = reverse(MY_CONFERENCE_URL_NAME, kwargs={"conference_slug": slug})
        except NoReverseMatch:
            path = f"/{registration.language}/{slug}/"
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def _send(key, registration, **context):
    from commerce.services.notifications import order_url

    order = registration.order
    return send_templated_mail(
        key=key,
        to=registration.user,
        conference=registration.conference,
        language=registration.language,
        context={
            "registration": registration,
            "my_conference_url": my_conference_url(registration),
            "order": order,
            "order_url": order_url(order, registration.language) if order is not None else "",
            **context,
        },
    )


def notify_submitted(*, registration):
    """Awaiting approval, or awaiting payment (with the order to pay)."""
    return _send("attendance.submitted", registration)


def notify_approved(*, registration):
    """Approved: now awaiting payment (with the order), or confirmed when free."""
    return _send("attendance.approved", registration)


def notify_rejected(*, registration):
    return _send("attendance.rejected", registration)


def notify_confirmed(*, registration):
    return _send("attendance.confirmed", registration)


def notify_withdrawn(*, registration):
    return _send("attendance.withdrawn", registration)


def notify_cancelled(*, registration):
    return _send("attendance.cancelled", registration)
