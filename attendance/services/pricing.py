"""The fee tier in force and the price of a registration type, judged in the conference's time zone.

Rules (see ``attendance.models.FeeTier``):

* a dated tier (early bird, regular) with ``valid_until = D`` is in force until the end of day D
  in ``conference.tz``: until 23:59:59.999… local time, i.e. strictly before 00:00 of D + 1;
* among the dated tiers in force, the one ending first wins (early bird before regular); a
  regular tier without a date never ends;
* the on-site tier (no date) is in force from 00:00 local time on the conference's first day,
  whatever the dated tiers say, and before that whenever no dated tier is in force;
* a free type (``is_free``) costs 0 in every currency and needs no tier.

Prices come only from these rows: nothing from the browser is trusted.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.enums import FeeTierKind
from attendance.exceptions import PriceNotAvailable

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Quote:
    """The price of ``registration_type`` in ``currency``, from ``tier`` (``None`` for a free type)."""

    registration_type: object
    tier: object
    amount: Decimal
    currency: str

    @property
    def fee_kind(self):
        return self.tier.kind if self.tier is not None else ""

    @property
    def is_free(self):
        return self.amount == 0


def currencies_for(conference):
    """The currencies attendees may pay in: the conference's currency, then its second one."""
    return [conference.currency] + ([conference.second_currency] if conference.second_currency else [])


def end_of_day(day, tz):
    """The first instant after ``day`` in time zone ``tz`` (00:00 local time of the next day)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def conference_starts_at(conference):
    """00:00 local time of the conference's first day: when the on-site tier takes over."""
    return datetime.combine(conference.start_date, time.min, tzinfo=conference.tz)


def on_site_tier(*, registration_type):
    return next((tier for tier in registration_type.fee_tiers.all() if tier.kind == FeeTierKind.ON_SITE), None)


def current_tier(*, registration_type, at=None):
    """The ``FeeTier`` of ``registration_type`` in force at ``at`` (now by default), or ``None``.

    Reads ``registration_type.fee_tiers.all()``, so a prefetch serves a whole list of types.
    """
    at = at or timezone.now()
    conference = registration_type.conference
    on_site = on_site_tier(registration_type=registration_type)
    if on_site is not None and at >= conference_starts_at(conference):
        return on_site
    dated = sorted(
        (tier for tier in registration_type.fee_tiers.all() if tier.kind != FeeTierKind.ON_SITE),
        key=lambda tier: (tier.valid_until is None, tier.valid_until or conference.start_date, tier.pk or 0),
    )
    for tier in dated:
        if tier.valid_until is None or at < end_of_day(tier.valid_until, conference.tz):
            return tier
    return on_site


def quote(*, registration_type, currency, at=None, on_site=False):
    """The ``Quote`` for ``registration_type`` in ``currency`` at ``at`` (now by default); with
    ``on_site`` (a walk-in at the desk), the on-site tier when the type has one.

    Raises ``PriceNotAvailable`` when the currency is not one of the conference's, no tier is in
    force, or the tier has no price in that currency.
    """
    conference = registration_type.conference
    if currency not in currencies_for(conference):
        raise PriceNotAvailable(_("Fees of this conference are not paid in %(currency)s.") % {"currency": currency})
    if registration_type.is_free:
        return Quote(registration_type=registration_type, tier=None, amount=ZERO, currency=currency)
    tier = on_site_tier(registration_type=registration_type) if on_site else None
    tier = tier or current_tier(registration_type=registration_type, at=at)
    amount = tier.price_in(currency, conference) if tier is not None else None
    if amount is None:
        raise PriceNotAvailable()
    return Quote(registration_type=registration_type, tier=tier, amount=amount, currency=currency)


def price_for(*, registration_type, currency, at=None):
    """The price (``Decimal``) of ``registration_type`` in ``currency`` at ``at``; see ``quote``."""
    return quote(registration_type=registration_type, currency=currency, at=at).amount
