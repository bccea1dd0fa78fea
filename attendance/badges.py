"""Name badges as PDFs: one badge per page for one attendee (``render_badge_pdf``), or sheets of
eight per A4 for many (``render_badge_sheets_pdf``, two columns of four: 105 × 74 mm each, the size
of a single badge too, so both print alike).

A badge is read by everyone at the venue, so it is bilingual by design rather than translated:
the attendee's name in both scripts (Chinese first, larger), affiliation, registration type in
both languages, the conference's acronym and the QR code of the registration (``checkin_url``).
A registration whose code was withdrawn gets a badge without a code.
"""

from pathlib import Path

from django.template.loader import render_to_string

from attendance.letters import names_of, qr_data_uri

STYLESHEET = Path(__file__).resolve().parent / "static" / "attendance" / "badges.css"
PER_SHEET = 8


def badge_context(registration):
    from attendance.services.tokens import checkin_url

    registration_type = registration.registration_type
    type_names = [name for name in (registration_type.name_zh, registration_type.name_en) if name]
    url = checkin_url(registration)
    return {
        "code": registration.code,
        "names": names_of(registration),
        "affiliation": registration.affiliation,
        "types": list(dict.fromkeys(type_names)),
        "acronym": registration.conference.acronym,
        "qr": qr_data_uri(url) if url else "",
    }


def _render(badges, *, sheet):
    from weasyprint import CSS, HTML

    pages = [badges[start : start + PER_SHEET] for start in range(0, len(badges), PER_SHEET)] if sheet else []
    html = render_to_string("attendance/badges/badges.html", {"badges": badges, "pages": pages, "sheet": sheet})
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def render_badge_pdf(*, registration):
    """One badge on a page of its own size, as PDF bytes."""
    return _render([badge_context(registration)], sheet=False)


def render_badge_sheets_pdf(*, registrations):
    """The badges of ``registrations`` (with conference and type; in the order given), eight per
    A4 page, as PDF bytes."""
    return _render([badge_context(registration) for registration in registrations], sheet=True)
