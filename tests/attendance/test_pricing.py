"""The fee tier in force is judged in the conference's time zone; prices come from the tiers only."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from attendance.enums import FeeTierKind
from attendance.exceptions import PriceNotAvailable
from attendance.services.pricing import current_tier, price_for, quote
from tests.attendance.conftest import FeeTierFactory, RegistrationTypeFactory
from tests.factories import ConferenceFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
UTC = datetime.UTC


def at(year, month, day, hour=0, minute=0, tz=SHANGHAI):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


@pytest.fixture
def priced(db):
    """NCIC 2027 in Shanghai, 10–12 May 2027: early bird until 31 March, regular until 30 April."""

    def make(time_zone="Asia/Shanghai", *, regular_until=datetime.date(2027, 4, 30), on_site=True):
        conference = ConferenceFactory(
            time_zone=time_zone,
            start_date=datetime.date(2027, 5, 10),
            end_date=datetime.date(2027, 5, 12),
            second_currency="USD",
        )
        registration_type = RegistrationTypeFactory(conference=conference)
        FeeTierFactory(
            registration_type=registration_type,
            kind=FeeTierKind.EARLY_BIRD,
            valid_until=datetime.date(2027, 3, 31),
            price=Decimal("2400.00"),
            price_second=Decimal("340.00"),
        )
        FeeTierFactory(
            registration_type=registration_type,
            kind=FeeTierKind.REGULAR,
            valid_until=regular_until,
            price=Decimal("2800.00"),
            price_second=None,
        )
        if on_site:
            FeeTierFactory(registration_type=registration_type, kind=FeeTierKind.ON_SITE, price=Decimal("3200.00"))
        return registration_type

    return make


def kind_at(registration_type, moment):
    tier = current_tier(registration_type=registration_type, at=moment)
    return tier.kind if tier else None


def test_early_bird_lasts_until_midnight_in_the_conference_time_zone(priced):
    registration_type = priced()

    assert kind_at(registration_type, at(2027, 3, 31, 23, 59)) == FeeTierKind.EARLY_BIRD
    assert kind_at(registration_type, at(2027, 4, 1, 0, 1)) == FeeTierKind.REGULAR
    # The same two minutes seen from UTC: midnight in Shanghai is 16:00 UTC the day before.
    assert kind_at(registration_type, at(2027, 3, 31, 15, 59, tz=UTC)) == FeeTierKind.EARLY_BIRD
    assert kind_at(registration_type, at(2027, 3, 31, 16, 1, tz=UTC)) == FeeTierKind.REGULAR


def test_the_last_instant_of_the_day_still_counts(priced):
    registration_type = priced()
    last = datetime.datetime(2027, 3, 31, 23, 59, 59, 999999, tzinfo=SHANGHAI)

    assert kind_at(registration_type, last) == FeeTierKind.EARLY_BIRD
    assert kind_at(registration_type, last + datetime.timedelta(microseconds=1)) == FeeTierKind.REGULAR


def test_a_conference_in_another_time_zone_has_its_own_midnight(priced):
    registration_type = priced("America/Los_Angeles")

    # 23:59 on 31 March in Los Angeles is already 14:59 on 1 April in Shanghai.
    assert kind_at(registration_type, at(2027, 3, 31, 23, 59, tz=LOS_ANGELES)) == FeeTierKind.EARLY_BIRD
    assert kind_at(registration_type, at(2027, 4, 1, 0, 1, tz=LOS_ANGELES)) == FeeTierKind.REGULAR
    assert kind_at(registration_type, at(2027, 4, 1, 14, 59)) == FeeTierKind.EARLY_BIRD


def test_on_site_fee_applies_from_the_first_day_and_after_the_last_dated_fee(priced):
    registration_type = priced()

    assert kind_at(registration_type, at(2027, 4, 30, 23, 59)) == FeeTierKind.REGULAR
    assert kind_at(registration_type, at(2027, 5, 1, 0, 1)) == FeeTierKind.ON_SITE  # the gap before the conference
    assert kind_at(registration_type, at(2027, 5, 10, 0, 0)) == FeeTierKind.ON_SITE


def test_on_site_fee_wins_from_the_first_day_even_when_the_regular_fee_has_no_end(priced):
    registration_type = priced(regular_until=None)

    assert kind_at(registration_type, at(2027, 5, 9, 23, 59)) == FeeTierKind.REGULAR
    assert kind_at(registration_type, at(2027, 5, 10, 0, 1)) == FeeTierKind.ON_SITE


def test_without_an_on_site_fee_nothing_is_in_force_after_the_last_date(priced):
    registration_type = priced(on_site=False)

    assert kind_at(registration_type, at(2027, 5, 1, 0, 1)) is None
    with pytest.raises(PriceNotAvailable):
        price_for(registration_type=registration_type, currency="CNY", at=at(2027, 5, 1, 0, 1))


def test_price_in_each_currency(priced):
    registration_type = priced()

    assert price_for(registration_type=registration_type, currency="CNY", at=at(2027, 3, 1)) == Decimal("2400.00")
    assert price_for(registration_type=registration_type, currency="USD", at=at(2027, 3, 1)) == Decimal("340.00")
    # The regular fee has no USD price; EUR is not a currency of the conference.
    with pytest.raises(PriceNotAvailable):
        price_for(registration_type=registration_type, currency="USD", at=at(2027, 4, 15))
    with pytest.raises(PriceNotAvailable):
        price_for(registration_type=registration_type, currency="EUR", at=at(2027, 3, 1))


def test_walk_in_quote_uses_the_on_site_fee(priced):
    registration_type = priced()

    offer = quote(registration_type=registration_type, currency="CNY", at=at(2027, 3, 1), on_site=True)

    assert (offer.fee_kind, offer.amount) == (FeeTierKind.ON_SITE, Decimal("3200.00"))


def test_free_type_costs_nothing_in_every_currency(db):
    conference = ConferenceFactory(second_currency="USD")
    registration_type = RegistrationTypeFactory(conference=conference, is_free=True)

    assert price_for(registration_type=registration_type, currency="CNY") == Decimal("0.00")
    assert quote(registration_type=registration_type, currency="USD").tier is None
