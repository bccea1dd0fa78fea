import pytest
from django.core import mail

from cms.enums import EmailStatus, Role
from cms.models import ConferenceRole, EmailLog, EmailTemplate
from cms.services.mail import deliver_email, send_templated_mail

pytestmark = pytest.mark.django_db


def role_context():
    return {"role": ConferenceRole(role=Role.FINANCE), "admin_url": "http://127.0.0.1:8000/admin/"}


@pytest.mark.smoke
def test_mail_goes_out_in_recipient_language_and_is_logged(
    conference, user_factory, django_capture_on_commit_callbacks
):
    chinese = user_factory(email="zh@example.org", preferred_language="zh-hans", name_zh="王芳")
    english = user_factory(email="en@example.org", preferred_language="en", first_name="Grace", last_name="Hopper")

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(key="cms.role_granted", to=chinese, conference=conference, context=role_context())
        send_templated_mail(key="cms.role_granted", to=english, conference=conference, context=role_context())

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["zh@example.org"], "[第十届全国智能计算学术会议] 您已被设为财务人员"),
        (["en@example.org"], "[The 10th National Conference on Intelligent Computing] You are now Finance"),
    ]
    assert "王芳，您好" in mail.outbox[0].body
    assert "Dear Grace Hopper," in mail.outbox[1].body
    assert mail.outbox[1].alternatives[0][1] == "text/html"
    assert "Dear Grace Hopper," in mail.outbox[1].alternatives[0][0]
    assert mail.outbox[1].reply_to == ["office@example.org"]
    logs = list(EmailLog.objects.order_by("id").values_list("recipient", "language", "status", "template_key"))
    assert logs == [
        ("zh@example.org", "zh-hans", EmailStatus.SENT, "cms.role_granted"),
        ("en@example.org", "en", EmailStatus.SENT, "cms.role_granted"),
    ]


def test_mail_is_sent_from_conference_sender(make_conference, user_factory, django_capture_on_commit_callbacks):
    conference = make_conference(mail_from_name="NCIC Office", mail_from_email="noreply@ncic.example.org")

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(key="cms.role_granted", to=user_factory(), conference=conference, context=role_context())

    assert mail.outbox[0].from_email == "NCIC Office <noreply@ncic.example.org>"


def test_mail_waits_for_commit(conference, user_factory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log = send_templated_mail(
            key="cms.role_granted", to=user_factory(), conference=conference, context=role_context()
        )

    assert mail.outbox == []
    assert log.status == EmailStatus.QUEUED
    assert len(callbacks) == 1


def test_delivery_twice_sends_once(conference, user_factory):
    log = send_templated_mail(key="cms.role_granted", to=user_factory(), conference=conference, context=role_context())

    deliver_email(email_log_id=log.pk)
    deliver_email(email_log_id=log.pk)

    assert len(mail.outbox) == 1
    log.refresh_from_db()
    assert (log.status, log.attempts) == (EmailStatus.SENT, 1)


def test_failed_delivery_is_recorded(conference, user_factory, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    log = send_templated_mail(key="cms.role_granted", to=user_factory(), conference=conference, context=role_context())

    deliver_email(email_log_id=log.pk)

    log.refresh_from_db()
    assert log.status == EmailStatus.FAILED
    assert "ConnectionRefusedError" in log.error


def test_conference_wording_overrides_default_per_language(
    conference, user_factory, django_capture_on_commit_callbacks
):
    EmailTemplate.objects.create(
        conference=conference,
        key="cms.role_granted",
        subject_en="Welcome aboard, {{ recipient.first_name }}",
        body_en="You help {{ conference.acronym }} as {{ role.get_role_display }}.",
    )
    english = user_factory(preferred_language="en", first_name="Grace")
    chinese = user_factory(preferred_language="zh-hans")

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(key="cms.role_granted", to=english, conference=conference, context=role_context())
        send_templated_mail(key="cms.role_granted", to=chinese, conference=conference, context=role_context())

    assert mail.outbox[0].subject == "Welcome aboard, Grace"
    assert mail.outbox[0].body == "You help NCIC 2027 as Finance.\n"
    assert mail.outbox[1].subject == "[第十届全国智能计算学术会议] 您已被设为财务人员"


def test_address_without_account_gets_conference_language(make_conference, django_capture_on_commit_callbacks):
    conference = make_conference(default_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(
            key="cms.role_granted", to="guest@example.org", conference=conference, context=role_context()
        )

    assert mail.outbox[0].subject.endswith("You are now Finance")
    assert EmailLog.objects.get().user is None
