"""Sending mail: render now in the recipient's language, log it, deliver after commit.

A kind of message may carry attachments made when it is delivered (``register_attachments``):
they are not stored on the log, so a retried delivery makes them again.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from cms.emails import render_message
from cms.enums import EmailStatus
from cms.models import EmailLog

logger = logging.getLogger(__name__)

# Message key -> the functions that make its attachments (see ``register_attachments``).
ATTACHMENT_MAKERS = {}


def register_attachments(key, maker):
    """Attach what ``maker(email_log)`` returns, a list of ``(file name, content bytes, MIME type)``,
    to every delivery of message ``key``. A maker that fails is logged and the message goes
    without its attachments: the message matters more than the file."""
    makers = ATTACHMENT_MAKERS.setdefault(key, [])
    if maker not in makers:
        makers.append(maker)


def _attachments(log):
    files = []
    for maker in ATTACHMENT_MAKERS.get(log.template_key, ()):
        try:
            files.extend(maker(log))
        except Exception:  # noqa: BLE001 - the message is still delivered
            logger.exception("Could not make the attachments of email %s (%s).", log.pk, log.template_key)
    return files


def recipient_language(*, user=None, conference=None, language=None):
    if language:
        return language
    if user is not None and user.preferred_language:
        return user.preferred_language
    if conference is not None:
        return conference.default_language
    return "zh-hans"


def send_templated_mail(*, key, to, conference=None, context=None, language=None):
    """Queue message ``key`` for ``to`` (a ``User`` or an address) and return its ``EmailLog``.

    Side effects: one ``EmailLog`` row (status queued) with the rendered subject, text and HTML;
    after the surrounding transaction commits, a django-q2 task that delivers it.
    """
    user = to if hasattr(to, "email") else None
    address = user.email if user else to
    language = recipient_language(user=user, conference=conference, language=language)
    context = {"recipient": user, "recipient_email": address, **(context or {})}
    message = render_message(key=key, language=language, context=context, conference=conference)
    log = EmailLog.objects.create(
        conference=conference,
        user=user,
        recipient=address,
        template_key=key,
        language=language,
        from_email=conference.sender if conference else _default_sender(),
        reply_to=conference.contact_email if conference else "",
        subject=message.subject[:255],
        body_text=message.text,
        body_html=message.html,
    )
    transaction.on_commit(lambda: _enqueue_delivery(log.pk))
    return log


def _default_sender():
    from django.conf import settings

    return settings.DEFAULT_FROM_EMAIL


def _enqueue_delivery(email_log_id):
    from django_q.tasks import async_task

    async_task("cms.tasks.task_deliver_email", email_log_id=email_log_id, task_name=f"email-{email_log_id}")


def deliver_email(*, email_log_id):
    """Send one logged message unless it was sent already; record the outcome on the log.

    Idempotent: a second delivery of the same log (a retried task) sends nothing.
    """
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().get(pk=email_log_id)
        if log.status == EmailStatus.SENT:
            return log
        log.attempts += 1
        message = EmailMultiAlternatives(
            subject=log.subject,
            body=log.body_text,
            from_email=log.from_email,
            to=[log.recipient],
            reply_to=[log.reply_to] if log.reply_to else None,
            headers={"X-Flock-Message": log.template_key},
        )
        message.attach_alternative(log.body_html, "text/html")
        for filename, content, mimetype in _attachments(log):
            message.attach(filename, content, mimetype)
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - any transport error is recorded on the log
            log.status, log.error = EmailStatus.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            log.status, log.error, log.sent_at = EmailStatus.SENT, "", timezone.now()
        log.save(update_fields=["status", "error", "sent_at", "attempts"])
    return log
