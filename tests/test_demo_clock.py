"""The demo tells of NCIC 2027 as of a fixed evening (``cms.demo.SCENARIO_NOW``). Seeded after its
first deadline, it is made on that evening's clock instead of failing on closed calls and hotels:
``make demo`` works whenever it runs, and says so."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.demo import SCENARIO_NOW, scenario_clock

pytestmark = pytest.mark.django_db
LATER = datetime.datetime(2029, 6, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def run_clock_from(monkeypatch, moment):
    real = timezone.now
    offset = moment - real()
    clock = lambda: real() + offset  # noqa: E731
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def test_seeded_years_later_the_demo_is_made_as_of_its_scenario(monkeypatch):
    from attendance.models import HotelBooking
    from submissions.models import Submission

    clock = run_clock_from(monkeypatch, LATER)
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert "The demo was made as of 2026-11-26" in out.getvalue()
    assert timezone.now is clock  # the real clock is back
    assert Submission.objects.filter(conference__slug="ncic2027").count() > 10
    assert HotelBooking.objects.filter(conference__slug="ncic2027").exists()


def test_the_clock_is_moved_only_after_the_scenario_holds(monkeypatch):
    run_clock_from(monkeypatch, SCENARIO_NOW + datetime.timedelta(days=3))
    with scenario_clock() as moved:
        assert not moved and abs(timezone.now() - SCENARIO_NOW - datetime.timedelta(days=3)).total_seconds() < 60
    run_clock_from(monkeypatch, LATER)
    with scenario_clock() as moved:
        assert moved and abs((timezone.now() - SCENARIO_NOW).total_seconds()) < 60
    assert abs((timezone.now() - LATER).total_seconds()) < 60
