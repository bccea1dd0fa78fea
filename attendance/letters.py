"""The confirmation letter (参会注册表) of a confirmed registration, as a PDF in the registration's
language, and the pieces the badges share with it (names in both scripts, the QR code image).

**Extension point.** Other parts of Flock add sections to the letter (hotel rooms, tours) with
``register_letter_section(maker)``: ``maker(registration, language)`` returns a list of
``(label, text)`` rows, each already in ``language`` (an empty list adds nothing). The rows are
shown under "Hotel and tours" in the order the makers were registered.

WeasyPrint and qrcode are imported only when a PDF or an image is made.
"""

import base64
import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from attendance.enums import RegistrationState

STATIC = Path(__file__).resolve().parent / "static" / "attendance"
LETTER_STYLESHEET = STATIC / "letter.css"

LETTER_SECTIONS = []


def register_letter_section(maker):
    """Add ``maker(registration, language) -> [(label, text), …]`` to every letter (once)."""
    if maker not in LETTER_SECTIONS:
        LETTER_SECTIONS.append(maker)
    return maker


def names_of(registration, *, chinese_first=True):
    """The attendee's names that are filled in: the Chinese one and the one in Latin letters, in
    that order (or the other way round)."""
    latin = f"{registration.first_name} {registration.last_name}".strip()
    names = [name for name in (registration.name_zh, latin) if name]
    return names if chinese_first else list(reversed(names))


def qr_data_uri(text):
    """A PNG of the QR code of ``text`` as a ``data:`` address (medium error correction, the
    standard four-module quiet zone)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def letter_available(registration):
    """Whether the registration has a letter: it is confirmed and its conference gives letters."""
    from attendance.services.setup import registration_settings_for

    if registration.state != RegistrationState.CONFIRMED:
        return False
    return registration_settings_for(registration.conference).letters_enabled


def letter_filename(registration):
    return f"{registration.code.replace(' ', '')}-letter.pdf"


def letter_sections(registration, language):
    rows = []
    for maker in LETTER_SECTIONS:
        rows.extend(maker(registration, language))
    return rows


def letter_context(registration, language):
    from attendance.resources import PAYMENT_LABELS, payment_status
    from attendance.services.tokens import checkin_url

    conference = registration.conference
    url = checkin_url(registration)
    return {
        "language": language,
        "registration": registration,
        "conference": conference,
        "conference_name": conference.localized("name", language),
        "venue": conference.localized("venue", language),
        "city": conference.localized("city", language),
        "names": names_of(registration, chinese_first=language.startswith("zh")),
        "type_name": registration.registration_type.localized("name", language),
        "fee_kind": registration.get_fee_kind_display() if registration.fee_kind else "",
        "payment": PAYMENT_LABELS[payment_status(registration)],
        "order": registration.order,
        "sections": letter_sections(registration, language),
        "checkin_url": url,
        "qr": qr_data_uri(url) if url else "",
        "issued_on": timezone.now().astimezone(conference.tz).date(),
    }


def render_letter_pdf(*, registration, language=None):
    """The letter as PDF bytes, in ``language`` (the registration's by default): the conference
    (name, dates, venue), the attendee (names in both scripts, affiliation), the registration
    (code, type, fee, payment state), the sections of other parts of Flock and the QR code."""
    from weasyprint import CSS, HTML

    language = language or registration.language
    with translation.override(language):
        html = render_to_string("attendance/letters/letter.html", letter_context(registration, language))
        return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(LETTER_STYLESHEET))])


def confirmation_attachments(email_log):
    """The letter attached to the "confirmed" mail (``cms.services.mail.register_attachments``):
    the recipient's confirmed registration in the mail's conference, when it has a letter."""
    from attendance.models import Registration

    if email_log.user_id is None or email_log.conference_id is None:
        return []
    registration = (
        Registration.objects.filter(
            conference_id=email_log.conference_id, user_id=email_log.user_id, state=RegistrationState.CONFIRMED
        )
        .select_related("conference", "registration_type", "order")
        .first()
    )
    if registration is None or not letter_available(registration):
        return []
    return [(letter_filename(registration), render_letter_pdf(registration=registration), "application/pdf")]
