"""The wording of the decision mail for one conference, in both languages, with its placeholders
and a preview rendered from a real decision (or a sample one). Empty wording falls back to
Flock's built-in text, translated."""

from django import forms
from django.contrib import messages
from django.template import Template, TemplateSyntaxError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from cms.emails import MESSAGES, render_message
from cms.enums import Language
from cms.models import EmailTemplate
from reviewing.enums import Outcome
from reviewing.models import Decision
from reviewing.progress import CHAIR_STATES
from reviewing.services.decisions import decision_mail_context
from reviewing.viewsets.chair.base import ChairScreen
from submissions.models import Submission

KEY = "reviewing.decision"


class DecisionMailForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject_zh", "body_zh", "subject_en", "body_en"]
        widgets = {"body_zh": forms.Textarea(attrs={"rows": 12}), "body_en": forms.Textarea(attrs={"rows": 12})}

    def clean(self):
        cleaned = super().clean()
        for name in self.Meta.fields:
            try:
                Template(cleaned.get(name) or "")
            except TemplateSyntaxError as error:
                self.add_error(name, _("This wording has a mistake in its placeholders: %(error)s") % {"error": error})
        for suffix in ("zh", "en"):
            if bool((cleaned.get(f"subject_{suffix}") or "").strip()) != bool(
                (cleaned.get(f"body_{suffix}") or "").strip()
            ):
                self.add_error(
                    f"body_{suffix}",
                    _("Give both the subject and the text, or neither (Flock's wording is then used)."),
                )
        return cleaned


class DecisionMailView(ChairScreen):
    template_name = "reviewing/chair/decision_mail.html"
    page_title = gettext_lazy("Decision mail")
    tab = "review_chair:decisions"

    def row(self):
        return EmailTemplate.objects.filter(conference=self.conference, key=KEY).first() or EmailTemplate(
            conference=self.conference, key=KEY
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=DecisionMailForm(instance=self.row())))

    def post(self, request, *args, **kwargs):
        form = DecisionMailForm(request.POST, instance=self.row())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        form.save()
        log(instance=self.conference, action="flock.review.decision_mail", user=request.user)
        messages.success(request, _("The decision mail's wording is saved."))
        return self.back("review_chair:decision_mail")

    def sample(self):
        decision = (
            Decision.objects.filter(submission__conference=self.conference)
            .exclude(submission__in=self.hidden)
            .select_related("submission__conference")
            .order_by("pk")
            .first()
        )
        if decision is not None:
            return decision
        submission = (
            Submission.objects.filter(conference=self.conference, state__in=CHAIR_STATES)
            .exclude(pk__in=self.hidden)
            .order_by("pk")
            .first()
        )
        return Decision(submission=submission, outcome=Outcome.ACCEPT_POSTER) if submission else None

    def previews(self):
        decision = self.sample()
        if decision is None:
            return []
        context = decision_mail_context(decision)
        result = []
        for language, label in Language.choices:
            try:
                result.append(
                    (label, render_message(key=KEY, language=language, context=context, conference=self.conference))
                )
            except TemplateSyntaxError:
                continue
        return result

    def get_context_data(self, **kwargs):
        return super().get_context_data(placeholders=MESSAGES[KEY].placeholders, previews=self.previews(), **kwargs)
