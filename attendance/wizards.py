"""Registering, in steps (django-formtools): type → personal details → questions → review → submit.

* **type**: the conference's offered types with their fee now in each currency and the places
  left (``TypeStepForm``: a full type or a currency without a fee is refused);
* **details**: prefilled from the profile (``DetailsForm``), with the type's document if it needs one;
* **questions**: the custom questions (``QuestionsForm``), conditions checked on the server; the
  step is skipped when the conference has none;
* **review**: everything entered and the price broken down (type, fee tier, amount in the chosen
  currency) as the server computes it now. If the tier changed since the type was chosen, the
  review says so; if it changes while the review is open, submitting shows the new price again
  instead of registering (``ReviewForm.quote`` is compared, never charged);
* **submit**: ``attendance.services.registering.register``, once, with the type's pk and the
  currency; it recomputes the price. Then to My conference with a message.

Nothing the browser sends is trusted as a type, tier or price. Registration closed or not open
yet, every type full, or a live registration already: a page that says so (with a link to the
registration), and nothing is saved. Uploaded files wait between steps in private storage
(``WizardUploads``, never under the public media directory) under generated names; they are
deleted when the wizard finishes or starts again, and ``sweep_wizard_uploads`` removes those of
abandoned attempts.
"""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_countries import countries
from formtools.wizard.views import SessionWizardView

from attendance.enums import QuestionKind, RegistrationState
from attendance.exceptions import AlreadyRegistered, PriceNotAvailable, RegistrationError
from attendance.forms import DetailsForm, QuestionsForm, ReviewForm, TypeStepForm
from attendance.models import Answer, Question
from attendance.selectors import live_registration_of, offered_types, questions_for
from attendance.services.inputs import DOCUMENT
from attendance.services.pricing import quote
from attendance.services.registering import register
from attendance.services.setup import check_registration_open
from attendance.views import conference_from, login_redirect, my_conference_url, render_page, site_context
from cms.exceptions import FlockError

TYPE, DETAILS, QUESTIONS, REVIEW = "type", "details", "questions", "review"
STEP_LABELS = {
    TYPE: translation.pgettext_lazy("registration step", "Type"),
    DETAILS: translation.pgettext_lazy("registration step", "Your details"),
    QUESTIONS: translation.pgettext_lazy("registration step", "Questions"),
    REVIEW: translation.pgettext_lazy("registration step", "Review"),
}
UPLOAD_DIRECTORY = "registration-wizard"
ABANDONED_AFTER = timedelta(days=1)


# Files between steps -----------------------------------------------------------------------------


class WizardUploads(Storage):
    """The wizard's files between steps: in the private storage (only views that check who asks
    serve from it), under ``registration-wizard/`` and a random name; the name the person gave
    travels in the wizard's session data."""

    @property
    def backend(self):
        return storages["private"]

    def save(self, name, content, max_length=None):
        return self.backend.save(f"{UPLOAD_DIRECTORY}/{uuid.uuid4().hex}", content)

    def _checked(self, name):
        if not name.startswith(f"{UPLOAD_DIRECTORY}/") or ".." in name:
            raise ValueError("Not a file of the registration wizard.")
        return name

    def open(self, name, mode="rb"):
        return self.backend.open(self._checked(name), mode)

    def delete(self, name):
        self.backend.delete(self._checked(name))

    def exists(self, name):
        return self.backend.exists(self._checked(name))

    def size(self, name):
        return self.backend.size(self._checked(name))


def sweep_wizard_uploads(*, older_than=ABANDONED_AFTER):
    """Delete the files of registration attempts abandoned more than ``older_than`` ago; returns
    how many. Called after each registration; suitable for a periodic task too."""
    backend = storages["private"]
    try:
        _directories, names = backend.listdir(UPLOAD_DIRECTORY)
    except (FileNotFoundError, NotImplementedError):
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in names:
        path = f"{UPLOAD_DIRECTORY}/{name}"
        try:
            if backend.get_modified_time(path) < cutoff:
                backend.delete(path)
                deleted += 1
        except (FileNotFoundError, NotImplementedError):
            continue
    return deleted


# The wizard --------------------------------------------------------------------------------------


def quote_token(price):
    """What identifies a price shown on the review: type, tier, amount and currency."""
    tier = price.tier.pk if price.tier is not None else 0
    return f"{price.registration_type.pk}:{tier}:{price.amount}:{price.currency}"


def _has_questions(wizard):
    return wizard.has_questions


@method_decorator(never_cache, name="dispatch")
class RegistrationWizard(SessionWizardView):
    form_list = [(TYPE, TypeStepForm), (DETAILS, DetailsForm), (QUESTIONS, QuestionsForm), (REVIEW, ReviewForm)]
    condition_dict = {QUESTIONS: _has_questions}
    file_storage = WizardUploads()
    template_name = "attendance/register/wizard.html"

    def dispatch(self, request, *args, conference_slug, **kwargs):
        self.conference = conference_from(request, conference_slug)
        if not request.user.is_authenticated:
            return login_redirect(request, self.conference)
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs):
        return f"register_{self.conference.pk}"

    # Who may register at all

    def get(self, request, *args, **kwargs):
        session_modified = request.session.modified
        blocked = self._blocked()
        if blocked is not None:
            return blocked
        if self._nothing_stored():
            # Opening the first step again, with nothing stored: formtools would reset the
            # stored attempt anyway, and its session storage marks the session changed on every
            # read, so each visit would rewrite the session row. Nothing changed: say so.
            response = self.render(self.get_form()).render()
            request.session.modified = session_modified
            return response
        return super().get(request, *args, **kwargs)

    def _nothing_stored(self):
        storage = self.storage
        return (
            storage.current_step == self.steps.first
            and not storage.data.get(storage.step_data_key)
            and not storage.data.get(storage.step_files_key)
            and not storage.extra_data
        )

    def post(self, *args, **kwargs):
        return self._blocked() or super().post(*args, **kwargs)

    def _blocked(self):
        """The page that explains why this person cannot register now, or ``None``."""
        existing = live_registration_of(self.conference, self.request.user)
        if existing is not None:
            return self._stop(AlreadyRegistered(registration=existing))
        try:
            check_registration_open(self.conference)
        except FlockError as error:
            return self._stop(error)
        if self.offers and all(offer.places_left == 0 for offer in self.offers):
            return self._stop(RegistrationError(_("Sorry, no registration type has places left at the moment.")))
        if not any(offer.available for offer in self.offers):
            return self._stop(RegistrationError(_("Sorry, no registration type can be chosen at the moment.")))
        return None

    def _stop(self, error):
        """End the attempt (its files are deleted) and say why, with the registration if any."""
        self.storage.reset()
        registration = getattr(error, "registration", None)
        context = {"message": str(error.message), "registration": registration}
        return render_page(self.request, "attendance/register/unavailable.html", context, url_name="register")

    @cached_property
    def offers(self):
        return offered_types(self.conference)

    @cached_property
    def questions(self):
        return questions_for(self.conference)

    @cached_property
    def has_questions(self):
        """Whether the questions step is shown; one cheap query until the questions are needed."""
        if "questions" in self.__dict__:
            return bool(self.questions)
        return Question.objects.filter(conference=self.conference, active=True).exists()

    # The forms of the steps

    def get_form_kwargs(self, step=None):
        if step == TYPE:
            return {"conference": self.conference, "offers": self.offers}
        if step == DETAILS:
            offer = self.chosen_offer()
            return {"user": self.request.user, "registration_type": offer.registration_type if offer else None}
        if step == QUESTIONS:
            return {"conference": self.conference, "questions": self.questions}
        return {}

    def get_form_initial(self, step):
        if step == REVIEW:
            price = self.current_quote()
            return {"quote": quote_token(price) if price is not None else ""}
        return super().get_form_initial(step)

    def get_form(self, step=None, data=None, files=None):
        step = step or self.steps.current
        posted = data is self.request.POST
        if step == REVIEW and not posted:
            data = None  # the review always shows the price of now, not one stored earlier
        if posted and step == self.steps.current:
            files = self._with_stored_files(step, files)
        return super().get_form(step=step, data=data, files=files)

    def _with_stored_files(self, step, files):
        """The files this step received before, under the ones posted now: coming back to a step
        does not ask for the files again."""
        stored = self.storage.get_step_files(step) or {}
        if not stored:
            return files
        merged = {name: [uploaded] for name, uploaded in stored.items()}
        merged.update(dict(files.lists()) if files is not None else {})
        return MultiValueDict(merged)

    def process_step(self, form):
        if self.steps.current == TYPE and form.is_valid():
            offer = form.offer()
            price = offer.quotes.get(form.cleaned_data["currency"]) if offer else None
            self.storage.extra_data = {"type_quote": quote_token(price) if price is not None else ""}
        return super().process_step(form)

    def process_step_files(self, form):
        """Keep the files the step accepted that were posted now (a replaced file is deleted)."""
        if isinstance(form, DetailsForm):
            names = list(form.uploads())
        elif isinstance(form, QuestionsForm):
            names = [f"q_{pk}" for pk in form.uploads()]
        else:
            names = []
        kept = {}
        stored = self.storage.data[self.storage.step_files_key].get(self.steps.current, {})
        for name in names:
            key = form.add_prefix(name)
            if key in self.request.FILES:
                kept[key] = self.request.FILES[key]
                if key in stored:
                    self.storage._tmp_files.append(stored[key]["tmp_name"])
        return kept

    # What the steps know

    def chosen_offer(self):
        """The ``TypeOffer`` of the type chosen in the first step, or ``None``."""
        cleaned = self.get_cleaned_data_for_step(TYPE)
        chosen = cleaned.get("registration_type") if cleaned else None
        return next((o for o in self.offers if chosen is not None and o.registration_type.pk == chosen.pk), None)

    def chosen_currency(self):
        cleaned = self.get_cleaned_data_for_step(TYPE)
        return cleaned.get("currency") if cleaned else None

    def current_quote(self):
        """The server's price now for the chosen type and currency, or ``None``."""
        offer = self.chosen_offer()
        if offer is None:
            return None
        try:
            return quote(registration_type=offer.registration_type, currency=self.chosen_currency())
        except PriceNotAvailable:
            return None

    def valid_form(self, step):
        """The form of ``step`` bound to what was stored for it, validated (``None``: step skipped)."""
        if step not in self.get_form_list():
            return None
        form = self.get_form(step, data=self.storage.get_step_data(step), files=self.storage.get_step_files(step))
        form.is_valid()
        return form

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        context.update(site_context(self.request, self.conference, url_name="register"))
        context["step_list"] = [
            {"key": key, "label": STEP_LABELS[key], "number": number, "current": key == step}
            for number, key in enumerate(self.get_form_list(), start=1)
        ]
        context["step_number"] = self.steps.index + 1
        context["step_label"] = STEP_LABELS[step]
        stored = self.storage.get_step_files(step) or {}
        context["stored_files"] = [(name.split("-", 1)[-1], uploaded.name) for name, uploaded in stored.items()]
        if step == REVIEW:
            context.update(self._review_context())
        return context

    def _review_context(self):
        offer, price = self.chosen_offer(), self.current_quote()
        details = self.valid_form(DETAILS)
        questions = self.valid_form(QUESTIONS)
        cleaned = details.cleaned_data if details is not None and details.is_valid() else {}
        changed = price is not None and self.storage.extra_data.get("type_quote") not in ("", quote_token(price))
        return {
            "offer": offer,
            "price": price,
            "price_changed": changed,
            "details": cleaned,
            "country_name": countries.name(cleaned.get("country", "")) if cleaned.get("country") else "",
            "document_name": self._upload_name(details, DOCUMENT),
            "answers": self._review_answers(questions),
        }

    def _upload_name(self, form, name):
        uploaded = form.cleaned_data.get(name) if form is not None and form.is_valid() else None
        return getattr(uploaded, "name", "")

    def _review_answers(self, form):
        """``(question, shown answer)`` of the answered questions, as My conference shows them."""
        if form is None or not form.is_valid():
            return []
        rows = []
        for question, value in form.review():
            is_file = question.kind == QuestionKind.FILE
            answer = Answer(question=question, value=None if is_file else value, file_name=value if is_file else "")
            rows.append((question, answer.display()))
        return rows

    # Submitting

    def render_done(self, form, **kwargs):
        """Check every stored step again (the posted review is ``form``), then ``done``. Unlike
        formtools, the stored data is kept until ``done`` decides: a price that changed, or a
        problem found at submission, returns to a step with everything entered."""
        forms = {}
        for step in self.get_form_list():
            if step == REVIEW:
                forms[step] = form
                continue
            step_form = self.valid_form(step)
            if not step_form.is_valid():
                return self.render_revalidation_failure(step, step_form, **kwargs)
            forms[step] = step_form
        return self.done(list(forms.values()), form_dict=forms, **kwargs)

    def done(self, form_list, form_dict=None, **kwargs):
        type_form, details, questions = form_dict[TYPE], form_dict[DETAILS], form_dict.get(QUESTIONS)
        price = self.current_quote()
        shown = form_dict[REVIEW].cleaned_data["quote"]
        if price is None or shown != quote_token(price):
            return self._review_again(shown)
        try:
            registration = register(
                conference=self.conference,
                user=self.request.user,
                registration_type=type_form.offer().registration_type.pk,
                details=details.details(),
                answers=questions.answers() if questions is not None else {},
                files={**details.uploads(), **(questions.uploads() if questions is not None else {})},
                currency=type_form.cleaned_data["currency"],
                language=translation.get_language(),
            )
        except ValidationError as error:
            return self._back_to_step(error)
        except FlockError as error:
            return self._stop(error)
        self.storage.reset()
        sweep_wizard_uploads()
        messages.success(self.request, _submitted_message(registration))
        return redirect(my_conference_url(self.conference))

    def _review_again(self, shown):
        """The price is not the one the review showed: show the review again, with the new price
        and a notice, and register nothing."""
        self.storage.current_step = REVIEW
        self.storage.extra_data = {**self.storage.extra_data, "type_quote": shown}
        return self.render(self.get_form(REVIEW))

    def _back_to_step(self, error):
        """Show a problem the service found on the step that asks for that field (the questions
        step for answers, the details step for anything else)."""
        question_fields = {question.field_name for question in self.questions}
        names = set(error.error_dict)
        on_questions = names and names <= question_fields and QUESTIONS in self.get_form_list()
        step = QUESTIONS if on_questions else DETAILS
        form = self.valid_form(step)
        for name, problems in error.error_dict.items():
            if name in form.fields:
                form.add_error(name, problems)
            elif step == DETAILS and name not in question_fields:
                form.add_error(None, problems)
        self.storage.current_step = step
        return self.render(form)


def _submitted_message(registration):
    if registration.state == RegistrationState.CONFIRMED:
        return _("You are registered: your registration %(code)s is confirmed. See you at the conference!") % {
            "code": registration.code
        }
    if registration.state == RegistrationState.AWAITING_APPROVAL:
        return _(
            "Thank you: your registration %(code)s is received. The organizers will review it and write to you."
        ) % {"code": registration.code}
    return _("Your registration %(code)s is saved. Please pay the fee to confirm it.") % {"code": registration.code}


register_view = RegistrationWizard.as_view()

__all__ = ["RegistrationWizard", "WizardUploads", "quote_token", "register_view", "sweep_wizard_uploads"]
