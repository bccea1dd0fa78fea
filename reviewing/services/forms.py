"""The chair edits the criteria of a review form: labels and explanations in both languages,
score scale, weight and order; criteria are added and removed. Scores already given are never
lost or left outside their scale: such a change is refused as a whole."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, ProtectedError
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from reviewing.models import Criterion, ReviewForm, Score

TEXT_FIELDS = ("label_zh", "label_en", "help_zh", "help_en")
MAX_WEIGHT = Decimal("999.99")


def _weight(value):
    try:
        weight = Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None
    return weight if weight is not None and weight.is_finite() else None


def _clean_row(index, row, used, errors):
    """The row's values, adding its refusals to ``errors`` keyed ``"<index>.<field>"``."""
    values = {name: " ".join(str(row.get(name) or "").split()) for name in TEXT_FIELDS}
    if not values["label_zh"]:
        errors[f"{index}.label_zh"].append(_("Give the label in Chinese."))
    low, high = row.get("scale_min"), row.get("scale_max")
    if low is None or high is None:
        errors[f"{index}.scale_min"].append(_("Give the lowest and the highest score."))
    elif low >= high:
        errors[f"{index}.scale_max"].append(_("The highest score must be above the lowest."))
    elif used and (used[0] < low or used[1] > high):
        errors[f"{index}.scale_min"].append(
            _("Reviews already give scores from %(low)d to %(high)d: the scale must include them.")
            % {"low": used[0], "high": used[1]}
        )
    weight = _weight(row.get("weight"))
    if weight is None or not 0 <= weight <= MAX_WEIGHT:
        errors[f"{index}.weight"].append(_("The weight must be a number from 0 to 999.99."))
    order = row.get("sort_order")
    if order not in (None, "") and not (isinstance(order, int) and order >= 0):
        errors[f"{index}.sort_order"].append(_("Give the order as a whole number from 0."))
    values.update(scale_min=low, scale_max=high, weight=weight, sort_order=index if order in (None, "") else order)
    return values


@transaction.atomic
def update_criteria(*, form, rows, by):
    """Make ``rows`` the criteria of ``form``: each a dict with ``id`` (``None`` for a new
    criterion), ``label_zh``, ``label_en``, ``help_zh``, ``help_en``, ``scale_min``, ``scale_max``,
    ``weight`` and ``sort_order``; existing criteria absent from ``rows`` are removed.

    Raises ``ValidationError`` keyed ``"<row index>.<field>"`` or ``__all__`` (nothing saved): no
    criteria, an empty Chinese label, a lowest score not below the highest, a weight outside 0 to
    999.99, a scale leaving out scores already given, removing a criterion that has scores.
    Side effects: the criteria, an audit entry on the form (when something changed).
    """
    form = ReviewForm.objects.select_for_update().get(pk=form.pk)
    existing = {criterion.pk: criterion for criterion in form.criteria.all()}
    used = {
        item["criterion"]: (item["low"], item["high"])
        for item in Score.objects.filter(criterion__form=form)
        .values("criterion")
        .annotate(low=Min("value"), high=Max("value"))
        .order_by()
    }
    errors = defaultdict(list)
    if not rows:
        errors["__all__"].append(_("A review form needs at least one criterion."))
    cleaned = []
    for index, row in enumerate(rows):
        pk = row.get("id")
        if pk is not None and pk not in existing:
            errors["__all__"].append(_("A criterion of another form was sent; please reload the page."))
            continue
        cleaned.append((pk, _clean_row(index, row, used.get(pk), errors)))
    removed = set(existing) - {pk for pk, _values in cleaned}
    for pk in sorted(removed):
        if pk in used:
            errors["__all__"].append(
                _("“%(label)s” already has scores and cannot be removed.") % {"label": existing[pk].label}
            )
    if errors:
        raise ValidationError(dict(errors))
    return _write(form, existing, cleaned, removed, by)


def _write(form, existing, cleaned, removed, by):
    try:
        Criterion.objects.filter(pk__in=removed).delete()
    except ProtectedError:  # a review scored it meanwhile
        raise ValidationError(
            {"__all__": [_("A criterion you removed has just been scored; please reload.")]}
        ) from None
    added = changed = 0
    for pk, values in cleaned:
        if pk is None:
            Criterion.objects.create(form=form, **values)
            added += 1
            continue
        criterion = existing[pk]
        fields = [name for name, value in values.items() if getattr(criterion, name) != value]
        if fields:
            for name in fields:
                setattr(criterion, name, values[name])
            criterion.save(update_fields=fields)
            changed += 1
    if added or changed or removed:
        data = {"added": added, "changed": changed, "removed": len(removed), "criteria": len(cleaned)}
        log(instance=form, action="flock.review.form_changed", user=by, data=data)
    return list(form.criteria.all())
