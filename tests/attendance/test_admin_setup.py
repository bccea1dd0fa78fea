"""Setting up registration in the admin: the settings (window in the conference's time zone), the
registration types with their fee tiers, the questions with their choices and conditions; every
listing, form and chooser scoped to the organizer's conferences; the "Registration" menu."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from attendance.enums import EditPolicy, FeeTierKind, QuestionKind
from attendance.models import Question, QuestionChoice, RegistrationSettings, RegistrationType
from attendance.services.setup import registration_settings_for
from cms.enums import Role
from cms.services.conferences import grant_role
from tests.attendance.conftest import RegistrationTypeFactory, add_question

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def staff(user_factory):
    """``staff(conference, role, email)``: a person holding a role, reading the admin in English."""

    def make(conference, role, email):
        user = user_factory(email=email)
        if role:
            grant_role(conference=conference, user=user, role=role, notify=False)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
        return user

    return make


@pytest.fixture
def organizer(staff, conference):
    return staff(conference, Role.ORGANIZER, "organizer@example.org")


@pytest.fixture
def other(make_conference_row):
    return make_conference_row(slug="other2027", acronym="OTHER 2027", second_currency="")


@pytest.fixture
def other_type(other):
    return RegistrationTypeFactory(conference=other, name_zh="别人的类型", name_en="Theirs")


def management_form(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def type_data(conference, *tiers, **fields):
    """POST data of the type editor with ``tiers`` (dicts of kind, valid_until, price, price_second)."""
    data = {
        "conference": conference.pk,
        "name_zh": "正式代表",
        "name_en": "Regular",
        "description_zh": "",
        "description_en": "",
        "sort_order": "1",
        "active": "on",
        "capacity": "",
        "document_label_zh": "",
        "document_label_en": "",
        **management_form("fee_tiers", total=len(tiers)),
        **fields,
    }
    for index, tier in enumerate(tiers):
        data.update(
            {
                f"fee_tiers-{index}-id": "",
                f"fee_tiers-{index}-ORDER": str(index + 1),
                f"fee_tiers-{index}-DELETE": "",
                f"fee_tiers-{index}-kind": tier["kind"],
                f"fee_tiers-{index}-valid_until": tier.get("valid_until", ""),
                f"fee_tiers-{index}-price": tier["price"],
                f"fee_tiers-{index}-price_second": tier.get("price_second", ""),
            }
        )
    return {key: value for key, value in data.items() if value is not None}


def tier_errors(response):
    formset = response.context["form"].formsets["fee_tiers"]
    return [
        {name: [error.code for error in errors] for name, errors in form.errors.as_data().items()} for form in formset
    ]


def form_errors(response):
    return {
        name: [error.code for error in errors] for name, errors in response.context["form"].errors.as_data().items()
    }


EARLY = {"kind": FeeTierKind.EARLY_BIRD, "valid_until": "2027-01-15", "price": "2400.00", "price_second": "340.00"}
REGULAR = {"kind": FeeTierKind.REGULAR, "valid_until": "2027-04-15", "price": "2800.00", "price_second": "400.00"}


# --- Menu and access -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.ORGANIZER, {"registrations", "walk-in", "types", "questions", "settings"}),
        (Role.CHECKIN, {"walk-in"}),
        (Role.FINANCE, set()),
        (Role.EDITOR, set()),
    ],
)
def test_registration_menu_shows_each_role_its_screens(client, staff, conference, role, links):
    client.force_login(staff(conference, role, f"{role}@example.org"))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    shown = {
        name
        for name in ["registrations", "walk-in", "types", "questions", "settings"]
        if f"/admin/registration/{name}/" in html
    }
    assert shown == links


def test_superuser_sees_every_registration_screen(client, superuser):
    client.force_login(superuser)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "/admin/registration/types/" in html and "/admin/registration/registrations/" in html


def test_anonymous_visitor_is_sent_to_login(client):
    for url in [reverse("registration_types:index"), reverse("registration_settings:index")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize("role", [Role.FINANCE, Role.CHECKIN])
def test_other_roles_are_refused_the_set_up(client, staff, conference, regular, role):
    client.force_login(staff(conference, role, "someone@example.org"))

    assert client.get(reverse("registration_types:index")).status_code == 302
    assert client.get(reverse("registration_types:edit", args=[regular.pk])).status_code == 302
    assert client.get(reverse("registration_settings:edit", args=[conference.pk])).status_code == 404


# --- Registration types --------------------------------------------------------------------------


def test_types_listing_shows_only_own_conference_with_fees_and_places(client, organizer, regular, other_type):
    client.force_login(organizer)

    response = client.get(reverse("registration_types:index"))

    assert [row.pk for row in response.context["object_list"]] == [regular.pk]
    html = response.content.decode()
    assert "Theirs" not in html and "OTHER 2027" not in html
    assert "Early bird ¥2,400.00 CNY / US$340.00 USD" in html


def test_another_conference_type_is_404_everywhere(client, organizer, other_type):
    client.force_login(organizer)

    for name in ["edit", "delete", "history"]:
        assert client.get(reverse(f"registration_types:{name}", args=[other_type.pk])).status_code == 404
    assert client.post(reverse("registration_types:delete", args=[other_type.pk])).status_code == 404
    assert RegistrationType.objects.filter(pk=other_type.pk).exists()


def test_organizer_creates_a_type_with_fee_tiers(client, organizer, conference):
    client.force_login(organizer)

    response = client.post(reverse("registration_types:add"), type_data(conference, EARLY, REGULAR))

    assert response.status_code == 302, form_errors(response)
    created = RegistrationType.objects.get(conference=conference, name_en="Regular")
    assert list(created.fee_tiers.values_list("kind", "valid_until", "price", "price_second")) == [
        (FeeTierKind.EARLY_BIRD, datetime.date(2027, 1, 15), Decimal("2400.00"), Decimal("340.00")),
        (FeeTierKind.REGULAR, datetime.date(2027, 4, 15), Decimal("2800.00"), Decimal("400.00")),
    ]
    assert ModelLogEntry.objects.filter(object_id=str(created.pk), action="wagtail.create").exists()


def test_type_form_offers_only_own_conferences(client, organizer, conference, other):
    client.force_login(organizer)

    form = client.get(reverse("registration_types:add")).context["form"]
    response = client.post(reverse("registration_types:add"), type_data(other, REGULAR))

    assert list(form.fields["conference"].queryset) == [conference]
    assert form_errors(response) == {"conference": ["invalid_choice"]}
    assert not RegistrationType.objects.filter(conference=other).exists()


@pytest.mark.parametrize(
    ("tiers", "errors"),
    [
        ([{**REGULAR, "price": "-1.00"}], [{"price": ["min_value"]}]),
        ([{**REGULAR, "price_second": "-1.00"}], [{"price_second": ["min_value"]}]),
        ([REGULAR, {**REGULAR, "valid_until": "2027-03-01"}], [{}, {"kind": ["duplicate_kind"]}]),
        ([{**EARLY, "valid_until": "2027-05-01"}, REGULAR], [{"valid_until": ["early_after_regular"]}, {}]),
        ([{**EARLY, "valid_until": ""}], [{"valid_until": [None]}]),  # FeeTier.clean (no code)
    ],
)
def test_invalid_fee_tiers_are_refused(client, organizer, conference, tiers, errors):
    client.force_login(organizer)

    response = client.post(reverse("registration_types:add"), type_data(conference, *tiers))

    assert response.status_code == 200
    assert tier_errors(response) == errors
    assert not RegistrationType.objects.filter(name_en="Regular").exists()


def test_second_price_needs_a_second_currency(client, staff, other):
    organizer = staff(other, Role.ORGANIZER, "chair@other.org")
    client.force_login(organizer)

    response = client.post(reverse("registration_types:add"), type_data(other, REGULAR))

    assert tier_errors(response) == [{"price_second": ["no_second_currency"]}]
    assert not RegistrationType.objects.exists()


def test_a_type_that_is_not_free_needs_a_fee(client, organizer, conference):
    client.force_login(organizer)

    refused = client.post(reverse("registration_types:add"), type_data(conference))
    free = client.post(reverse("registration_types:add"), type_data(conference, is_free="on", name_en="Companion"))

    assert form_errors(refused) == {"is_free": ["no_fee"]}
    assert free.status_code == 302
    assert list(RegistrationType.objects.values_list("name_en", "is_free")) == [("Companion", True)]


def test_editing_a_type_keeps_its_conference_and_replaces_a_tier(client, organizer, conference, other, regular):
    client.force_login(organizer)
    url = reverse("registration_types:edit", args=[regular.pk])
    tiers = list(regular.fee_tiers.order_by("id"))
    data = type_data(other, name_en="Regular delegate", **management_form("fee_tiers", total=3, initial=3))
    for index, tier in enumerate(tiers):
        data.update(
            {
                f"fee_tiers-{index}-id": str(tier.pk),
                f"fee_tiers-{index}-ORDER": str(index + 1),
                f"fee_tiers-{index}-DELETE": "on" if tier.kind == FeeTierKind.ON_SITE else "",
                f"fee_tiers-{index}-kind": tier.kind,
                f"fee_tiers-{index}-valid_until": tier.valid_until.isoformat() if tier.valid_until else "",
                f"fee_tiers-{index}-price": "2500.00" if tier.kind == FeeTierKind.EARLY_BIRD else str(tier.price),
                f"fee_tiers-{index}-price_second": str(tier.price_second),
            }
        )

    response = client.post(url, data)

    assert response.status_code == 302, tier_errors(response)
    regular.refresh_from_db()
    assert regular.conference == conference
    assert sorted(regular.fee_tiers.values_list("kind", "price")) == [
        (FeeTierKind.EARLY_BIRD, Decimal("2500.00")),
        (FeeTierKind.REGULAR, Decimal("2800.00")),
    ]


def test_deleting_a_type_with_registrations_is_refused(client, organizer, regular, register_as):
    register_as(regular)
    client.force_login(organizer)

    response = client.post(reverse("registration_types:delete", args=[regular.pk]), follow=True)

    assert RegistrationType.objects.filter(pk=regular.pk).exists()
    assert any("cannot be deleted" in str(message) for message in response.context["messages"])


def test_deleting_an_unused_type(client, organizer, make_type):
    unused = make_type(name_en="Unused")
    client.force_login(organizer)

    client.post(reverse("registration_types:delete", args=[unused.pk]))

    assert not RegistrationType.objects.filter(pk=unused.pk).exists()


# --- Questions -----------------------------------------------------------------------------------


def question_data(conference, *choices, **fields):
    data = {
        "conference": conference.pk,
        "kind": QuestionKind.SINGLE_CHOICE,
        "label_zh": "饮食要求",
        "label_en": "Dietary needs",
        "help_zh": "",
        "help_en": "",
        "sort_order": "10",
        "active": "on",
        "depends_on": "",
        "depends_value": "",
        **management_form("choices", total=len(choices)),
        **fields,
    }
    for index, (value, label_zh, label_en) in enumerate(choices):
        data.update(
            {
                f"choices-{index}-id": "",
                f"choices-{index}-ORDER": str(index + 1),
                f"choices-{index}-DELETE": "",
                f"choices-{index}-value": value,
                f"choices-{index}-label_zh": label_zh,
                f"choices-{index}-label_en": label_en,
            }
        )
    return data


DIET = [("none", "无", "None"), ("vegetarian", "素食", "Vegetarian"), ("other", "其他", "Other")]


@pytest.fixture
def presenting(conference):
    return add_question(
        conference, QuestionKind.CHECKBOX, label_zh="我将作报告", label_en="I am presenting", sort_order=1
    )


def test_organizer_creates_a_choice_question_with_its_choices(client, organizer, conference):
    client.force_login(organizer)

    response = client.post(reverse("registration_questions:add"), question_data(conference, *DIET))

    assert response.status_code == 302, form_errors(response)
    question = Question.objects.get(conference=conference)
    assert list(question.choices.values_list("value", "label_en")) == [(v, en) for v, _zh, en in DIET]


def test_a_conditional_question_tests_an_earlier_checkbox(client, organizer, conference, presenting):
    client.force_login(organizer)
    data = question_data(
        conference,
        kind=QuestionKind.SHORT_TEXT,
        label_en="Paper ID",
        label_zh="论文编号",
        depends_on=presenting.pk,
        depends_value="yes",
    )

    response = client.post(reverse("registration_questions:add"), data)

    assert response.status_code == 302, form_errors(response)
    question = Question.objects.get(label_en="Paper ID")
    assert (question.depends_on, question.depends_value) == (presenting, "yes")


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"depends_value": "maybe"}, {"depends_value": ["invalid_value"]}),
        ({"sort_order": "0"}, {"depends_on": ["not_earlier"]}),
        ({"depends_on": ""}, {"depends_on": ["required"]}),
    ],
)
def test_invalid_conditions_are_refused(client, organizer, conference, presenting, change, errors):
    client.force_login(organizer)
    data = question_data(
        conference, kind=QuestionKind.SHORT_TEXT, label_en="Paper ID", depends_on=presenting.pk, depends_value="yes"
    )

    response = client.post(reverse("registration_questions:add"), {**data, **change})

    assert form_errors(response) == errors
    assert not Question.objects.filter(label_en="Paper ID").exists()


def test_a_condition_cannot_test_another_conference_or_a_text_question(client, organizer, conference, other):
    theirs = add_question(other, QuestionKind.CHECKBOX, sort_order=0)
    text = add_question(conference, QuestionKind.SHORT_TEXT, sort_order=0)
    client.force_login(organizer)
    form = client.get(reverse("registration_questions:add")).context["form"]

    for source in (theirs, text):
        data = question_data(conference, kind=QuestionKind.SHORT_TEXT, depends_on=source.pk, depends_value="yes")
        assert form_errors(client.post(reverse("registration_questions:add"), data)) == {
            "depends_on": ["invalid_choice"]
        }
    assert theirs not in form.fields["depends_on"].queryset


def test_a_condition_value_must_be_a_choice_of_the_question(client, organizer, conference):
    diet = add_question(conference, QuestionKind.SINGLE_CHOICE, choices=DIET, sort_order=1)
    client.force_login(organizer)
    data = question_data(conference, kind=QuestionKind.SHORT_TEXT, label_en="Which?", depends_on=diet.pk)

    refused = client.post(reverse("registration_questions:add"), {**data, "depends_value": "vegan"})
    accepted = client.post(reverse("registration_questions:add"), {**data, "depends_value": "other"})

    assert form_errors(refused) == {"depends_value": ["invalid_value"]}
    assert accepted.status_code == 302


def test_choice_questions_need_choices_and_other_kinds_none(client, organizer, conference):
    client.force_login(organizer)

    no_choices = client.post(reverse("registration_questions:add"), question_data(conference))
    stray = client.post(
        reverse("registration_questions:add"), question_data(conference, *DIET, kind=QuestionKind.LONG_TEXT)
    )
    twice = client.post(
        reverse("registration_questions:add"), question_data(conference, DIET[0], (DIET[0][0], "再", "Again"))
    )

    assert form_errors(no_choices) == {"kind": ["no_choices"]}
    assert form_errors(stray) == {"kind": ["stray_choices"]}
    assert [list(form.errors.as_data()) for form in twice.context["form"].formsets["choices"]] == [[], ["__all__"]]
    assert not Question.objects.exists()


def test_a_question_others_depend_on_keeps_the_tested_values(client, organizer, conference):
    diet = add_question(conference, QuestionKind.SINGLE_CHOICE, choices=DIET, sort_order=1)
    add_question(conference, QuestionKind.SHORT_TEXT, sort_order=2, depends_on=diet, depends_value="other")
    client.force_login(organizer)
    choices = list(diet.choices.order_by("sort_order"))
    data = question_data(conference, kind=QuestionKind.SINGLE_CHOICE, sort_order="1")
    data.update(management_form("choices", total=3, initial=3))
    for index, choice in enumerate(choices):
        data.update(
            {
                f"choices-{index}-id": str(choice.pk),
                f"choices-{index}-ORDER": str(index + 1),
                f"choices-{index}-DELETE": "on" if choice.value == "other" else "",
                f"choices-{index}-value": choice.value,
                f"choices-{index}-label_zh": choice.label_zh,
                f"choices-{index}-label_en": choice.label_en,
            }
        )

    dropped = client.post(reverse("registration_questions:edit", args=[diet.pk]), data)
    retyped = client.post(
        reverse("registration_questions:edit", args=[diet.pk]), {**data, "kind": QuestionKind.LONG_TEXT}
    )

    assert form_errors(dropped) == {"__all__": ["dependent_values"]}
    assert "has_dependents" in form_errors(retyped)["kind"]
    assert QuestionChoice.objects.filter(question=diet, value="other").exists()


def test_questions_listing_and_screens_are_scoped(client, organizer, conference, other):
    mine = add_question(conference, QuestionKind.SHORT_TEXT, label_en="Mine")
    theirs = add_question(other, QuestionKind.SHORT_TEXT, label_en="Theirs")
    client.force_login(organizer)

    response = client.get(reverse("registration_questions:index"))

    assert [row.pk for row in response.context["object_list"]] == [mine.pk]
    assert client.get(reverse("registration_questions:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("registration_questions:delete", args=[theirs.pk])).status_code == 404


# --- Settings ------------------------------------------------------------------------------------


def test_settings_are_entered_and_shown_in_the_conference_time_zone(client, organizer, conference):
    profile = UserProfile.get_for_user(organizer)
    profile.current_time_zone = "Europe/London"
    profile.save()
    client.force_login(organizer)
    url = reverse("registration_settings:edit", args=[conference.pk])

    response = client.post(
        url,
        {
            "opens_at": "2026-10-01 09:00",
            "closes_at": "2027-04-16 00:00",
            "edit_policy": EditPolicy.ALWAYS,
            "on_order_lapse": "cancel",
        },
    )

    assert response.status_code == 302
    settings_row = RegistrationSettings.objects.get(conference=conference)
    assert settings_row.opens_at == datetime.datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI)
    assert settings_row.closes_at == datetime.datetime(2027, 4, 16, 0, 0, tzinfo=SHANGHAI)
    assert (settings_row.edit_policy, settings_row.on_order_lapse) == (EditPolicy.ALWAYS, "cancel")
    html = client.get(url).content.decode()
    assert 'value="2026-10-01 09:00"' in html
    entry = ModelLogEntry.objects.get(action="flock.registration_settings.change")
    assert entry.user == organizer
    assert entry.data == {"fields": ["closes_at", "edit_policy", "on_order_lapse", "opens_at"]}


def test_settings_must_close_after_they_open(client, organizer, conference):
    client.force_login(organizer)

    response = client.post(
        reverse("registration_settings:edit", args=[conference.pk]),
        {
            "opens_at": "2027-01-01 00:00",
            "closes_at": "2026-12-01 00:00",
            "edit_policy": "never",
            "on_order_lapse": "reopen",
        },
    )

    assert list(response.context["form"].errors) == ["closes_at"]
    assert registration_settings_for(conference).opens_at is None


def test_settings_list_and_screen_are_scoped(client, organizer, conference, other):
    client.force_login(organizer)

    html = client.get(reverse("registration_settings:index")).content.decode()

    assert "NCIC 2027" in html and "OTHER 2027" not in html
    assert client.get(reverse("registration_settings:edit", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("registration_settings:edit", args=[other.pk]), {"edit_policy": "never"}).status_code == 404
    )
