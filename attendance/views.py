"""The attendee's pages under ``/<language>/_my/<conference>/``: My conference (the registration's
state and what to do next), paying, editing and withdrawing. Registering is the wizard in
``attendance.wizards`` (``/<language>/_register/<conference>/``).

Thin views: each finds the person's registration (``registration_of``: another person's code is
a 404), asks ``attendance.permissions``, calls one service and redirects with a message, or
renders inside the conference's site layout (``render_page``). Nothing here is cached: every
page is the person's own.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance.booking_selectors import my_conference_bookings
from attendance.enums import RegistrationState
from attendance.exceptions import EditNotAllowed
from attendance.forms import EditDetailsForm, QuestionsForm, answers_initial, registration_details_initial
from attendance.letters import letter_available, letter_filename, names_of, render_letter_pdf
from attendance.permissions import attendee_may_edit, attendee_may_withdraw, may_register_walk_ins
from attendance.selectors import questions_for, registration_for, registration_of
from attendance.services.changes import update_registration
from attendance.services.inputs import DOCUMENT
from attendance.services.orders import renew_order
from attendance.services.registrations import withdraw_registration
from attendance.services.setup import check_registration_open
from attendance.services.tokens import registration_from_token
from cms.exceptions import FlockError
from commerce.enums import OrderState
from commerce.selectors import invoice_available
from conference_pages import chrome
from conference_pages.chrome import conference_from, feature_chrome

DETAILS_PREFIX = "details"
QUESTIONS_PREFIX = "questions"


# Shared by the views and the wizard --------------------------------------------------------------


def login_redirect(request, conference):
    """To the log-in page, then back here (to My conference after a form's POST)."""
    back = None if request.method == "GET" else my_conference_url(conference)
    return chrome.login_redirect(request, conference, back=back)


def my_conference_url(conference):
    return reverse("attendance:my_conference", kwargs={"conference_slug": conference.slug})


def site_context(request, conference, *, url_name, **url_kwargs):
    """The conference's menu and language links around the page ``attendance:<url_name>``."""
    return {
        **feature_chrome(
            request,
            conference,
            url_name=f"attendance:{url_name}",
            url_kwargs={"conference_slug": conference.slug, **url_kwargs},
            scope="attendance",
        ),
        "conference": conference,
    }


def render_page(request, template, context, *, url_name, status=200, **url_kwargs):
    return chrome.render_feature_page(
        request, template, context, url_name=f"attendance:{url_name}", scope="attendance", status=status, **url_kwargs
    )


def _own_registration(request, conference_slug, code):
    conference = conference_from(request, conference_slug)
    registration = registration_of(user=request.user, conference=conference, code=code)
    registration.conference = conference  # its settings are read once per request
    return registration


def _back(registration):
    return redirect(my_conference_url(registration.conference))


_login_first = chrome.login_first(back_after_post=my_conference_url)


# My conference -----------------------------------------------------------------------------------


@never_cache
@_login_first
@require_GET
def my_conference(request, conference_slug):
    """The person's registration in the conference (the live one, else the latest) and what to do
    next; a prompt to register when there is none."""
    conference = conference_from(request, conference_slug)
    registration = registration_for(request.user, conference)
    is_open, closed_message = _opening(conference)
    context = {"registration": registration, "registration_open": is_open, "closed_message": closed_message}
    if registration is not None:
        registration.conference = conference
        context.update(_registration_context(registration))
    return render_page(request, "attendance/my_conference.html", context, url_name="my_conference")


def _opening(conference):
    """``(True, "")`` while registration is open, else ``(False, why)``."""
    try:
        check_registration_open(conference)
    except FlockError as error:
        return False, str(error.message)
    return True, ""


def _registration_context(registration):
    order = registration.order
    answers = registration.answers.select_related("question").prefetch_related("question__choices")
    awaiting_payment = registration.state == RegistrationState.AWAITING_PAYMENT
    return {
        "order": order,
        "answers": list(answers.order_by("question__sort_order", "question_id")),
        "may_edit": attendee_may_edit(registration),
        "may_withdraw": attendee_may_withdraw(registration),
        "order_payable": awaiting_payment and order is not None and order.state == OrderState.PENDING,
        "needs_new_order": awaiting_payment and (order is None or order.state != OrderState.PENDING),
        "invoice_available": order is not None and invoice_available(order),
        **my_conference_bookings(registration),
        "letter_available": letter_available(registration),
    }


# Paying ------------------------------------------------------------------------------------------


@never_cache
@_login_first
@require_POST
def pay(request, conference_slug, code):
    """The "Pay now" button: the registration's pending order, or a new one at its price when the
    last one lapsed (``renew_order``: pressing twice makes one order); then the order's page."""
    registration = _own_registration(request, conference_slug, code)
    try:
        order = renew_order(registration=registration, user=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
        return _back(registration)
    url = reverse("commerce:order", kwargs={"conference_slug": registration.conference.slug, "code": order.code})
    return redirect(f"{url}#pay")


# Editing -----------------------------------------------------------------------------------------


@never_cache
@_login_first
@require_http_methods(["GET", "POST"])
def edit(request, conference_slug, code):
    """Change the details and answers, as the conference's edit policy allows."""
    registration = _own_registration(request, conference_slug, code)
    if not attendee_may_edit(registration):
        messages.error(request, str(EditNotAllowed.default_message))
        return _back(registration)
    details_form, questions_form = _edit_forms(request, registration)
    forms = [form for form in (details_form, questions_form) if form is not None]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            update_registration(
                registration=registration,
                details=details_form.details(),
                answers=questions_form.answers() if questions_form is not None else None,
                files={**details_form.uploads(), **(questions_form.uploads() if questions_form is not None else {})},
            )
        except EditNotAllowed as error:
            messages.error(request, str(error.message))
            return _back(registration)
        except ValidationError as error:
            _show_errors(error, details_form, questions_form)
        else:
            messages.success(request, _("Your changes are saved."))
            return _back(registration)
    context = {
        "registration": registration,
        "details_form": details_form,
        "questions_form": questions_form,
        "stored_files": _files_on_record(registration),
    }
    return render_page(request, "attendance/edit.html", context, url_name="edit", code=registration.code)


def _files_on_record(registration):
    """(field name, file name) of the files the registration keeps unless new ones are chosen."""
    files = [(DOCUMENT, registration.document_name)] if registration.document else []
    answers = registration.answers.exclude(file="").values_list("question_id", "file_name")
    return files + [(f"q_{question_id}", name) for question_id, name in answers]


def _edit_forms(request, registration):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    details_form = EditDetailsForm(
        data,
        files,
        prefix=DETAILS_PREFIX,
        initial=registration_details_initial(registration),
        registration_type=registration.registration_type,
        has_document=bool(registration.document),
    )
    questions = questions_for(registration.conference)
    if not questions:
        return details_form, None
    initial, existing_files = answers_initial(registration)
    questions_form = QuestionsForm(
        data,
        files,
        prefix=QUESTIONS_PREFIX,
        initial=initial,
        conference=registration.conference,
        questions=questions,
        existing_files=existing_files,
    )
    return details_form, questions_form


def _show_errors(error, details_form, questions_form):
    """Put a service's ``ValidationError`` (keyed by field name) on the form with that field."""
    for name, problems in error.error_dict.items():
        if questions_form is not None and name in questions_form.fields:
            questions_form.add_error(name, problems)
        else:
            details_form.add_error(name if name in details_form.fields else None, problems)


# Withdrawing -------------------------------------------------------------------------------------


@never_cache
@_login_first
@require_http_methods(["GET", "POST"])
def withdraw(request, conference_slug, code):
    """Give up the registration: a page that says what happens, then a POST that does it."""
    registration = _own_registration(request, conference_slug, code)
    if not attendee_may_withdraw(registration):
        messages.error(request, _("This registration cannot be withdrawn."))
        return _back(registration)
    if request.method == "POST":
        try:
            withdraw_registration(registration=registration, user=request.user)
        except FlockError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your registration is withdrawn. We are sorry you cannot come."))
        return _back(registration)
    context = {"registration": registration, "paid": registration.state == RegistrationState.CONFIRMED}
    return render_page(request, "attendance/withdraw.html", context, url_name="withdraw", code=registration.code)


# The confirmation letter -------------------------------------------------------------------------


@never_cache
@_login_first
@require_GET
def letter(request, conference_slug, code):
    """The person's confirmation letter as a PDF in the registration's language; 404 for another
    person's code, a registration that is not confirmed, or a conference without letters."""
    registration = _own_registration(request, conference_slug, code)
    if not letter_available(registration):
        raise Http404
    response = HttpResponse(render_letter_pdf(registration=registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(registration)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# The QR code's address -----------------------------------------------------------------------------

# The admin screen that check-in staff get for a scanned attendee (``registration_codes:attendee``
# for now: read-only; the check-in desk replaces it).
CHECKIN_SCREEN_URL_NAME = "checkin_desk:desk"


@never_cache
@require_GET
def qr_code(request, token):
    """What a phone camera opens from a QR code: check-in staff (and organizers) of the
    registration's conference go to its check-in screen; anyone else sees the attendee's name and
    whether the registration is valid (confirmed), nothing more. Any token that is not a current
    one (garbled, forged, revoked, of no registration) gets the same answer, status and page."""
    request.conference = None  # the portal's layout for every answer: the address names no conference
    registration = registration_from_token(token)
    if registration is None:
        response = render(request, "attendance/codes/invalid.html", status=404)
    elif may_register_walk_ins(request.user, registration.conference):
        desk = reverse(CHECKIN_SCREEN_URL_NAME, args=[registration.conference_id])
        return redirect(f"{desk}?{urlencode({'code': token})}")
    else:
        context = {
            "names": names_of(registration, chinese_first=translation.get_language().startswith("zh")),
            "event": registration.conference,
            "valid": registration.state == RegistrationState.CONFIRMED,
        }
        response = render(request, "attendance/codes/public.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
