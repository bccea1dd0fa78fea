"""Spreadsheets of bookings for the organizers and the hotel: the rooming list of a hotel and the
participant list of a tour, headed and worded in the language asked for."""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from attendance.booking_selectors import participants, rooming_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def payment_state(booking):
    """What the booking's order says about payment, in the active language."""
    if booking.order is None:
        return _("Free")
    return booking.order.get_state_display()


def guest_name(registration):
    """The guest's name in both scripts where both are known: what a hotel's front desk needs."""
    latin = f"{registration.first_name} {registration.last_name}".strip()
    if registration.name_zh and latin:
        return f"{registration.name_zh} ({latin})"
    return registration.name_zh or latin or registration.email


def _workbook(title, headings, rows):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # what people typed stays text, never a formula
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rooming_list_xlsx(hotel, *, language):
    """The booked rooms of ``hotel``, one row each: guest, roommate, room type, nights, check-in,
    check-out, special requests, payment state; then code, email and phone."""
    with translation.override(language):
        headings = [
            _("Guest"),
            _("Roommate"),
            _("Room type"),
            _("Nights"),
            _("Check-in"),
            _("Check-out"),
            _("Special requests"),
            _("Payment"),
            _("Registration code"),
            _("Email address"),
            _("Phone"),
        ]
        rows = [
            [
                guest_name(booking.registration),
                booking.roommate,
                booking.room_type.localized("name", language),
                booking.nights,
                booking.check_in,
                booking.check_out,
                booking.requests,
                payment_state(booking),
                booking.registration.code,
                booking.registration.email,
                booking.registration.phone,
            ]
            for booking in rooming_list(hotel)
        ]
        return _workbook(pgettext("spreadsheet", "Rooming list"), headings, rows)


def participants_xlsx(tour, *, language):
    """The places on ``tour`` (booked, offered) then its waiting list in order."""
    seats, waiting = participants(tour)
    positions = {booking.pk: position for position, booking in enumerate(waiting, start=1)}
    tz = tour.conference.tz
    with translation.override(language):
        headings = [
            _("Name"),
            _("Registration code"),
            _("Email address"),
            _("Phone"),
            pgettext("tour booking", "State"),
            _("Place on the waiting list"),
            _("Joined"),
            _("Payment"),
        ]
        rows = [
            [
                guest_name(booking.registration),
                booking.registration.code,
                booking.registration.email,
                booking.registration.phone,
                booking.get_state_display(),
                positions.get(booking.pk),
                timezone.localtime(booking.joined_at, tz).replace(tzinfo=None),
                payment_state(booking) if booking.state == "booked" else "",
            ]
            for booking in [*seats, *waiting]
        ]
        return _workbook(pgettext("spreadsheet", "Participants"), headings, rows)
