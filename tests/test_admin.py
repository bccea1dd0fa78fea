import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from wagtail.users.models import UserProfile

from cms.enums import ConferenceStatus, Role
from cms.models import Conference, ConferenceRole, EmailTemplate, User
from cms.services.conferences import grant_role
from cms.services.mail import send_templated_mail
from conference_pages.models import ConferenceHomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(make_conference):
    return make_conference(slug="other2027", acronym="OTHER 2027", name_zh="另一个会议", name_en="Another Conference")


@pytest.fixture
def organizer(conference, user_factory):
    user = user_factory(email="organizer@example.org")
    grant_role(conference=conference, user=user, role=Role.ORGANIZER, notify=False)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


@pytest.mark.smoke
def test_conference_listing_shows_only_own_conferences(client, organizer, conference, other):
    client.force_login(organizer)

    html = client.get(reverse("conferences:index")).content.decode()

    assert "NCIC 2027" in html
    assert "OTHER 2027" not in html


def test_other_conference_opened_by_id_is_404(client, organizer, other):
    client.force_login(organizer)

    assert client.get(reverse("conferences:edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("conferences:inspect", args=[other.pk])).status_code == 404
    assert client.get(reverse("conferences:history", args=[other.pk])).status_code == 404
    assert client.post(reverse("conferences:status", args=[other.pk, "archived"])).status_code == 404
    other.refresh_from_db()
    assert other.status == ConferenceStatus.PUBLISHED


def test_organizer_edits_own_conference(client, organizer, conference):
    client.force_login(organizer)
    url = reverse("conferences:edit", args=[conference.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(name_en="NCIC 2027 (renamed)", start_date="2027-04-16", end_date="2027-04-18")
    for flag in [
        "registration_open",
        "submissions_open",
        "hotels_enabled",
        "tours_enabled",
        "messages_enabled",
        "forum_enabled",
    ]:
        if not data.get(flag):
            data.pop(flag, None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    conference.refresh_from_db()
    assert conference.name_en == "NCIC 2027 (renamed)"


def test_organizer_cannot_create_conferences(client, organizer):
    client.force_login(organizer)

    assert client.get(reverse("conferences:add")).status_code in (302, 403)


def test_superuser_creates_conference_with_site_in_both_locales(client, superuser, portal):
    client.force_login(superuser)
    data = {
        "slug": "icml2028",
        "acronym": "ICML 2028",
        "name_zh": "第一届机器学习会议",
        "name_en": "First ML Conference",
        "start_date": "2028-06-01",
        "end_date": "2028-06-03",
        "time_zone": "Asia/Shanghai",
        "currency": "CNY",
        "default_language": "zh-hans",
        "theme": "classic",
        "colour_style": "jade",
    }

    response = client.post(reverse("conferences:add"), data)

    assert response.status_code == 302
    conference = Conference.objects.get(slug="icml2028")
    assert sorted(ConferenceHomePage.objects.filter(conference=conference).values_list("title", flat=True)) == [
        "First ML Conference",
        "第一届机器学习会议",
    ]


def test_invalid_conference_form_saves_nothing(client, superuser, portal):
    client.force_login(superuser)

    response = client.post(
        reverse("conferences:add"),
        {
            "slug": "../bad",
            "acronym": "X",
            "name_zh": "坏",
            "start_date": "2028-06-03",
            "end_date": "2028-06-01",
            "time_zone": "Mars/Olympus",
            "currency": "yuan",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"slug", "time_zone", "currency"} <= set(errors)
    assert not Conference.objects.filter(acronym="X").exists()


def test_status_change_through_confirmation(client, organizer, conference):
    client.force_login(organizer)
    url = reverse("conferences:status", args=[conference.pk, "archived"])

    assert client.get(url).status_code == 200
    client.post(url)

    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.ARCHIVED


def test_export_xlsx_contains_only_own_conferences(client, organizer, conference, other):
    client.force_login(organizer)

    response = client.get(reverse("conferences:index") + "?export=xlsx")

    rows = xlsx_rows(response)
    assert rows[0][:4] == ["Short name in addresses", "Acronym", "Name (Chinese)", "Name (English)"]
    assert [row[0] for row in rows[1:]] == ["ncic2027"]


def test_export_csv_of_roles(client, organizer, conference, other, user_factory):
    grant_role(conference=other, user=user_factory(email="x@other.org"), role=Role.FINANCE, notify=False)
    client.force_login(organizer)

    response = client.get(reverse("conference_roles:index") + "?export=csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "organizer@example.org" in body
    assert "x@other.org" not in body


def test_email_log_is_scoped(client, organizer, conference, other, user_factory):
    send_templated_mail(
        key="cms.role_granted",
        to=user_factory(email="mine@example.org"),
        conference=conference,
        context={"role": ConferenceRole(role=Role.EDITOR)},
    )
    theirs = send_templated_mail(
        key="cms.role_granted",
        to=user_factory(email="theirs@example.org"),
        conference=other,
        context={"role": ConferenceRole(role=Role.EDITOR)},
    )
    client.force_login(organizer)

    html = client.get(reverse("email_log:index")).content.decode()

    assert "mine@example.org" in html and "theirs@example.org" not in html
    assert client.get(reverse("email_log:inspect", args=[theirs.pk])).status_code == 404


def test_roles_from_other_conferences_never_show(client, organizer, other, user_factory):
    role = grant_role(conference=other, user=user_factory(email="hidden@other.org"), role=Role.EDITOR, notify=False)
    client.force_login(organizer)

    assert "hidden@other.org" not in client.get(reverse("conference_roles:index")).content.decode()
    assert client.post(reverse("conference_roles:delete", args=[role.pk])).status_code == 404
    assert ConferenceRole.objects.filter(pk=role.pk).exists()


def test_person_without_role_cannot_open_admin_lists(client, user_factory):
    client.force_login(user_factory())

    assert client.get(reverse("conferences:index")).status_code == 302


def csv_upload(text):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "roles.csv"
    return upload


def test_role_import_preview_then_confirm(client, organizer, conference, django_capture_on_commit_callbacks):
    client.force_login(organizer)
    url = reverse("conference_roles:import")
    csv = "conference,email,role,name_zh\nncic2027,new.editor@example.org,editor,王芳\nncic2027,organizer@example.org,organizer,\n"

    preview = client.post(url, {"file": csv_upload(csv)})

    assert preview.status_code == 200
    assert not User.objects.filter(email="new.editor@example.org").exists()
    token = preview.context["token"]
    assert token
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(url, {"confirm": "1", "token": token})
    assert confirmed.status_code == 302
    editor = User.objects.get(email="new.editor@example.org")
    assert editor.name_zh == "王芳"
    assert ConferenceRole.objects.filter(user=editor, conference=conference, role=Role.EDITOR).exists()
    assert [message.to for message in mail.outbox] == [["new.editor@example.org"]]


def test_role_import_shows_row_errors_and_saves_nothing(client, organizer, other):
    client.force_login(organizer)
    csv = "conference,email,role\nncic2027,ok@example.org,editor\nother2027,x@example.org,editor\nncic2027,not-an-email,editor\nncic2027,y@example.org,emperor\n"

    response = client.post(reverse("conference_roles:import"), {"file": csv_upload(csv)})

    html = response.content.decode()
    assert response.context["token"] == ""
    assert "You do not organize a conference with the short name" in html
    assert "is not a valid email address" in html
    assert "Unknown role" in html
    assert not User.objects.filter(email__in=["ok@example.org", "x@example.org", "y@example.org"]).exists()
    assert ConferenceRole.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "The submitted file is empty."), (b"\xff\xfe\x00garbage", "neither an Excel workbook nor a UTF-8 CSV")],
)
def test_role_import_rejects_unreadable_files(client, organizer, content, message):
    client.force_login(organizer)
    upload = io.BytesIO(content)
    upload.name = "roles.xlsx"

    response = client.post(reverse("conference_roles:import"), {"file": upload})

    assert message in response.content.decode()
    assert "token" not in response.context or not response.context.get("token")


def test_import_confirm_with_forged_token_imports_nothing(client, organizer):
    client.force_login(organizer)

    response = client.post(reverse("conference_roles:import"), {"confirm": "1", "token": "../../etc/passwd"})

    assert response.status_code == 302
    assert ConferenceRole.objects.count() == 1


def test_organizer_adds_email_template_for_own_conference_only(client, organizer, conference, other):
    client.force_login(organizer)
    url = reverse("email_templates:add")
    data = {"key": "cms.role_granted", "subject_zh": "", "body_zh": "", "subject_en": "Hi", "body_en": "Body"}

    refused = client.post(url, {**data, "conference": other.pk})
    accepted = client.post(url, {**data, "conference": conference.pk})

    assert "conference" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert list(EmailTemplate.objects.values_list("conference__slug", "key")) == [("ncic2027", "cms.role_granted")]


def test_email_template_key_must_be_a_known_message(client, organizer, conference):
    client.force_login(organizer)

    response = client.post(reverse("email_templates:add"), {"conference": conference.pk, "key": "no.such.message"})

    assert "key" in response.context["form"].errors
    assert not EmailTemplate.objects.exists()
