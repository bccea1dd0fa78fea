"""The chair edits a review form: criteria changed, added and removed through the page (a
formset) and ``update_criteria``, every refusal leaving the form as it was, and reviewing closed
and reopened (reviews refused while closed)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext
from wagtail.models import ModelLogEntry

from reviewing.exceptions import ReviewError
from reviewing.models import Criterion, ReviewForm
from reviewing.services.assignments import assign
from reviewing.services.forms import update_criteria
from reviewing.services.reviews import review_form_for, save_review

pytestmark = pytest.mark.django_db
FIELDS = ("label_zh", "label_en", "help_zh", "help_en", "scale_min", "scale_max", "weight", "sort_order")


@pytest.fixture
def form(conference):
    return review_form_for(conference, "abstract")


@pytest.fixture
def scored(form, make_reviewer, make_submission, chair):
    """A draft review that scores the first criterion 4 and the second 2."""
    reviewer = make_reviewer("ann@example.org")
    assignment = assign(submission=make_submission([("a@uni.example.cn", "")]), reviewer=reviewer, by=chair)
    criteria = list(form.criteria.all())
    save_review(assignment=assignment, user=reviewer.user, scores={criteria[0].pk: 4, criteria[1].pk: 2})
    return assignment


def snapshot(form):
    return list(form.criteria.order_by("pk").values_list("pk", *FIELDS))


def rows_of(form):
    return [{"id": c.pk, **{name: getattr(c, name) for name in FIELDS}} for c in form.criteria.all()]


def chair_client(chair):
    client = Client()
    client.force_login(chair)
    return client


def url(conference, phase="abstract"):
    return reverse("review_forms:edit", args=[conference.pk, phase])


def post_data(form, changes=None, delete=(), new=()):
    """The formset as the page posts it: every criterion (with ``changes`` by index), the ones in
    ``delete`` marked, then the ``new`` rows and one blank row."""
    criteria = list(form.criteria.all())
    data = {
        "criteria-TOTAL_FORMS": str(len(criteria) + len(new) + 1),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "action": "save",
    }
    for n, criterion in enumerate(criteria):
        values = {"id": criterion.pk, **{name: getattr(criterion, name) for name in FIELDS}}
        values.update((changes or {}).get(n, {}))
        data.update({f"criteria-{n}-{name}": "" if value is None else value for name, value in values.items()})
        if n in delete:
            data[f"criteria-{n}-DELETE"] = "on"
    for m, values in enumerate([*new, {}], start=len(criteria)):
        blank = {"scale_min": 1, "scale_max": 5, "weight": 1, "id": "", "sort_order": ""}
        blank.update(values)
        data.update({f"criteria-{m}-{name}": value for name, value in blank.items()})
    return data


def test_the_page_shows_the_default_criteria(conference, chair):
    response = chair_client(chair).get(url(conference))

    page = response.content.decode()
    assert response.status_code == 200
    assert "创新性" in page and "学术价值与重要性" in page and "表述清晰度" in page
    assert len(response.context["formset"].forms) == 3 + 2


def test_the_chair_changes_adds_and_removes_criteria(form, conference, chair):
    first, second, third = form.criteria.all()
    data = post_data(
        form,
        changes={0: {"label_en": "Novelty", "weight": "3.5", "scale_max": 10, "help_zh": "是否新颖"}},
        delete=(2,),
        new=({"label_zh": "实验", "label_en": "Experiments", "scale_min": 0, "scale_max": 3, "weight": "0"},),
    )

    response = chair_client(chair).post(url(conference), data)

    assert response.status_code == 302
    assert list(form.criteria.values_list("label_zh", "label_en", "help_zh", "scale_min", "scale_max", "weight")) == [
        ("创新性", "Novelty", "是否新颖", 1, 10, Decimal("3.50")),
        ("学术价值与重要性", "Significance", "", 1, 5, Decimal("2.00")),
        ("实验", "Experiments", "", 0, 3, Decimal("0.00")),
    ]
    assert not Criterion.objects.filter(pk=third.pk).exists()
    entry = ModelLogEntry.objects.get(action="flock.review.form_changed")
    assert (entry.object_id, entry.user_id) == (str(form.pk), chair.pk)
    assert entry.data == {"added": 1, "changed": 1, "removed": 1, "criteria": 3}


def test_saving_unchanged_criteria_writes_no_audit_entry(form, chair):
    update_criteria(form=form, rows=rows_of(form), by=chair)

    assert not ModelLogEntry.objects.filter(action="flock.review.form_changed").exists()


def _drop_scored(rows):
    return rows[1:]


def _narrow_scale(rows):
    rows[0]["scale_max"] = 3
    return rows


def _inverted(rows):
    rows[2]["scale_min"], rows[2]["scale_max"] = 5, 5
    return rows


def _negative_weight(rows):
    rows[1]["weight"] = Decimal("-1")
    return rows


def _no_label(rows):
    rows.append({"id": None, "label_zh": "  ", "label_en": "Extra", "scale_min": 1, "scale_max": 5, "weight": 1})
    return rows


def _nothing(rows):
    return []


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (_drop_scored, "__all__", ("“%(label)s” already has scores and cannot be removed.", {"label": "创新性"})),
        (
            _narrow_scale,
            "0.scale_min",
            (
                "Reviews already give scores from %(low)d to %(high)d: the scale must include them.",
                {"low": 4, "high": 4},
            ),
        ),
        (_inverted, "2.scale_max", "The highest score must be above the lowest."),
        (_negative_weight, "1.weight", "The weight must be a number from 0 to 999.99."),
        (_no_label, "3.label_zh", "Give the label in Chinese."),
        (_nothing, "__all__", "A review form needs at least one criterion."),
    ],
)
def test_a_refused_change_saves_nothing(form, scored, chair, change, key, message):
    before = snapshot(form)

    with pytest.raises(ValidationError) as refused:
        update_criteria(form=form, rows=change(rows_of(form)), by=chair)

    text, params = message if isinstance(message, tuple) else (message, None)
    expected = [gettext(text) % params if params else gettext(text)]
    if change is _nothing:  # every reason is given at once
        expected += [
            gettext("“%(label)s” already has scores and cannot be removed.") % {"label": label}
            for label in ("创新性", "学术价值与重要性")
        ]
    assert refused.value.message_dict == {key: expected}
    assert snapshot(form) == before
    assert not ModelLogEntry.objects.filter(action="flock.review.form_changed").exists()


def test_a_criterion_without_scores_may_be_removed_while_others_have_some(form, scored, chair):
    update_criteria(form=form, rows=rows_of(form)[:2], by=chair)

    assert list(form.criteria.values_list("label_zh", flat=True)) == ["创新性", "学术价值与重要性"]


def test_the_page_shows_a_refusal_and_saves_nothing(form, scored, conference, chair):
    before = snapshot(form)
    client = chair_client(chair)

    removing = client.post(url(conference), post_data(form, delete=(0,)))
    narrowing = client.post(url(conference), post_data(form, changes={1: {"scale_min": 3}}))
    emptying = client.post(url(conference), post_data(form, delete=(0, 1, 2)))

    assert removing.status_code == 400
    assert removing.context["general_errors"] == [
        gettext("“%(label)s” already has scores and cannot be removed.") % {"label": "创新性"}
    ]
    assert narrowing.status_code == 400
    assert narrowing.context["formset"].forms[1].errors["scale_min"] == [
        gettext("Reviews already give scores from %(low)d to %(high)d: the scale must include them.")
        % {"low": 2, "high": 2}
    ]
    assert emptying.context["general_errors"] == [
        gettext("A review form needs at least one criterion."),
        *[
            removing.context["general_errors"][0],
            gettext("“%(label)s” already has scores and cannot be removed.") % {"label": "学术价值与重要性"},
        ],
    ]
    assert snapshot(form) == before


def test_the_page_refuses_a_negative_weight_and_an_empty_chinese_label(form, conference, chair):
    before = snapshot(form)

    response = chair_client(chair).post(
        url(conference), post_data(form, changes={0: {"weight": "-2"}, 1: {"label_zh": ""}})
    )

    forms = response.context["formset"].forms
    assert response.status_code == 400
    assert forms[0].errors["weight"] == [gettext("The weight must be a number from 0 to 999.99.")]
    assert forms[1].errors["label_zh"] == [gettext("Give the label in Chinese.")]
    assert snapshot(form) == before


def test_the_full_paper_form_is_its_own(conference, chair):
    response = chair_client(chair).get(url(conference, "full_paper"))

    assert response.status_code == 200
    assert set(ReviewForm.objects.filter(conference=conference).values_list("phase", flat=True)) == {"full_paper"}
    assert chair_client(chair).get(url(conference, "camera_ready")).status_code == 404


def test_closing_and_reopening_reviewing(form, scored, conference, chair):
    client = chair_client(chair)
    reviewer_user = scored.reviewer.user
    criteria = list(form.criteria.all())

    closed = client.post(url(conference), {"action": "close"})
    form.refresh_from_db()
    with pytest.raises(ReviewError):
        save_review(assignment=scored, user=reviewer_user, scores={criteria[0].pk: 5})
    assert closed.status_code == 302 and form.closed_at is not None
    assert scored.review.scores.get(criterion=criteria[0]).value == 4

    reopened = client.post(url(conference), {"action": "reopen"})
    form.refresh_from_db()
    review = save_review(assignment=scored, user=reviewer_user, scores={criteria[0].pk: 5})

    assert reopened.status_code == 302 and form.closed_at is None
    assert review.scores.get(criterion=criteria[0]).value == 5
    assert list(
        ModelLogEntry.objects.filter(object_id=str(form.pk), action__in=["flock.review.close", "flock.review.reopen"])
        .order_by("pk")
        .values_list("action", "user_id")
    ) == [("flock.review.close", chair.pk), ("flock.review.reopen", chair.pk)]


def test_reopening_an_open_form_changes_nothing(form, chair):
    from reviewing.services.reviews import reopen_reviewing

    reopen_reviewing(form=form, by=chair)

    assert not ModelLogEntry.objects.filter(action="flock.review.reopen").exists()
