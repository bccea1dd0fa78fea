"""Invitations of reviewers by mail: a signed link per invitation, leading to the page where the
person accepts or declines (``reviewing.views.invitation``).

A link is ``django.core.signing`` of the reviewer's id and a keyed hash of the invitation
(reviewer, account, conference and when it was sent), under a salt of its own. Sending the
invitation again changes ``invited_at``, so the link of an earlier mail stops working; the
current link keeps working, so that the person can change their answer later.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from wagtail.log_actions import log

from cms.services.mail import recipient_language, send_templated_mail
from reviewing.models import Reviewer

SALT = "flock.reviewing.invitation"
MAX_TOKEN_LENGTH = 500


def _fingerprint(reviewer):
    sent = reviewer.invited_at.astimezone(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
    value = f"{reviewer.pk}|{reviewer.user_id}|{reviewer.conference_id}|{sent}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:32]


# An invitation link works this long; the chair sends the invitation again to renew it.
LINK_LIFETIME = datetime.timedelta(days=90)


def make_token(reviewer):
    return signing.dumps({"r": reviewer.pk, "s": _fingerprint(reviewer)}, salt=SALT)


def reviewer_from_token(token):
    """The reviewer whose current invitation ``token`` is, or ``None`` (forged, garbled, older
    than ``LINK_LIFETIME``, or the link of an invitation sent again since)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature:
        return None
    pk = payload.get("r") if isinstance(payload, dict) else None
    if type(pk) is not int:
        return None
    reviewer = Reviewer.objects.select_related("user", "conference", "invited_by").filter(pk=pk).first()
    if reviewer is None or not constant_time_compare(str(payload.get("s", "")), _fingerprint(reviewer)):
        return None
    return reviewer


def invitation_url(reviewer, language, answer=""):
    """The absolute address of the invitation page in ``language`` (``answer``: the button the
    page puts first, ``accept`` or ``decline``)."""
    with translation.override(language):
        path = reverse("reviewing:invitation", kwargs={"token": make_token(reviewer)})
    query = f"?answer={answer}" if answer else ""
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}{query}"


@transaction.atomic
def send_invitation(*, reviewer, by):
    """Mail ``reviewer`` the invitation to review for their conference, with links to accept or
    decline; sending it again retires the links of earlier mails.

    Side effects: ``invited_at`` (and ``invited_by``, when ``by`` is given) set anew, the mail
    ``reviewing.invitation`` in the reviewer's preferred language (logged, delivered after
    commit), an audit entry ``flock.review.invitation_sent``. Returns the ``EmailLog``."""
    reviewer = Reviewer.objects.select_for_update().select_related("user", "conference").get(pk=reviewer.pk)
    reviewer.invited_at = timezone.now()
    reviewer.invited_by = by or reviewer.invited_by
    reviewer.save(update_fields=["invited_at", "invited_by"])
    conference, person = reviewer.conference, reviewer.user
    language = recipient_language(user=person, conference=conference)
    inviter = reviewer.invited_by
    with translation.override(language):
        topics = [topic.name for topic in reviewer.topics.all()]
        separator = "、" if language.startswith("zh") else ", "
    message = send_templated_mail(
        key="reviewing.invitation",
        to=person,
        conference=conference,
        language=language,
        context={
            "reviewer": reviewer,
            "inviter": (inviter.display_name_in(language) or inviter.email) if inviter else "",
            "topics": separator.join(topics),
            "invitation_url": invitation_url(reviewer, language),
            "accept_url": invitation_url(reviewer, language, "accept"),
            "decline_url": invitation_url(reviewer, language, "decline"),
        },
    )
    log(instance=reviewer, action="flock.review.invitation_sent", user=by, data={"email": person.email})
    return message
