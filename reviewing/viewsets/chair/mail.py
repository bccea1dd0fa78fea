"""The wording of the decision mail for one conference, in both languages, with its placeholders
and a preview rendered from a real decision (or a sample one). Empty wording falls back to
Flock's built-in text, translated.

A wording is a Django template a chair writes: it is saved only when it uses nothing but the
documented placeholders (plain values, ``decision_mail_context``), ``if``, ``for`` and
``comment`` tags and built-in filters, and renders without an error on a sample decision."""

from django import forms
from django.contrib import messages
from django.template import Context, Template, TemplateSyntaxError
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, ForNode, IfNode
from django.utils import translation
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


LANGUAGE_OF_FIELD = {"zh": Language.CHINESE, "en": Language.ENGLISH}


def refused_in(nodelist, names):
    """What ``nodelist`` (a compiled wording) may not use, as messages for the chair: each
    variable whose first part is not in ``names`` (a ``{% for %}`` adds its loop variables and
    ``forloop`` inside it), and each tag but ``if``, ``for`` and ``comment`` (``{% load %}``,
    ``{% include %}``, ``{% debug %}``… are refused; Django's built-in filters are allowed)."""
    for node in nodelist:
        if isinstance(node, TextNode | CommentNode):
            continue
        if isinstance(node, VariableNode):
            yield from _refused_variables(node.filter_expression, names)
        elif isinstance(node, IfNode):
            for condition, nodes in node.conditions_nodelists:
                yield from _refused_in_condition(condition, names)
                yield from refused_in(nodes, names)
        elif isinstance(node, ForNode):
            yield from _refused_variables(node.sequence, names)
            yield from refused_in(node.nodelist_loop, names | {*node.loopvars, "forloop"})
            yield from refused_in(node.nodelist_empty, names)
        else:
            token = getattr(node, "token", None)
            tag = token.contents.split()[0] if token is not None else type(node).__name__
            yield _("The tag “%(tag)s” cannot be used in this mail.") % {"tag": tag}


def _refused_variables(expression, names):
    """The variables of a ``FilterExpression`` (its value and its filters' arguments)."""
    arguments = [argument for _filter, arguments in expression.filters for lookup, argument in arguments if lookup]
    for variable in (expression.var, *arguments):
        if isinstance(variable, Variable) and variable.lookups and variable.lookups[0] not in names:
            yield _("“%(name)s” is not a placeholder of this mail.") % {"name": variable.var}


def _refused_in_condition(condition, names):
    """The variables of an ``{% if %}`` condition (a tree of operators over literals)."""
    if condition is None:  # {% else %}
        return
    if isinstance(condition.value, FilterExpression):
        yield from _refused_variables(condition.value, names)
    for part in (condition.first, condition.second):
        if part is not None:
            yield from _refused_in_condition(part, names)


class DecisionMailForm(forms.ModelForm):
    """The conference's wording: each text must compile, use only what ``refused_in`` allows,
    and render with ``context(language)`` (the placeholders of a sample decision) without an
    error."""

    class Meta:
        model = EmailTemplate
        fields = ["subject_zh", "body_zh", "subject_en", "body_en"]
        widgets = {"body_zh": forms.Textarea(attrs={"rows": 12}), "body_en": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, context, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context

    def clean(self):
        cleaned = super().clean()
        wordings = {name: cleaned.get(name) or "" for name in self.Meta.fields}
        for suffix in ("zh", "en"):
            if bool(wordings[f"subject_{suffix}"].strip()) != bool(wordings[f"body_{suffix}"].strip()):
                self.add_error(
                    f"body_{suffix}",
                    _("Give both the subject and the text, or neither (Flock's wording is then used)."),
                )
        names = {placeholder.split(".")[0] for placeholder in MESSAGES[KEY].placeholders}
        contexts = {}
        for name, wording in wordings.items():
            self._check(name, wording, names, contexts)
        return cleaned

    def _check(self, name, wording, names, contexts):
        try:
            template = Template(wording)
        except TemplateSyntaxError as error:
            self.add_error(name, _("This wording has a mistake in its placeholders: %(error)s") % {"error": error})
            return
        problems = list(dict.fromkeys(refused_in(template.nodelist, names)))
        for problem in problems:
            self.add_error(name, problem)
        if problems or not wording.strip():
            return
        language = LANGUAGE_OF_FIELD[name.rsplit("_", 1)[1]]
        if language not in contexts:
            contexts[language] = self.context(language)
        try:
            with translation.override(language):
                template.render(Context(contexts[language], autoescape=False))
        except Exception as error:  # noqa: BLE001 - any failure is the wording's, shown to the chair
            self.add_error(name, _("This wording cannot be shown: %(error)s") % {"error": error})


class DecisionMailView(ChairScreen):
    template_name = "reviewing/chair/decision_mail.html"
    page_title = gettext_lazy("Decision mail")
    tab = "review_chair:decisions"

    def row(self):
        return EmailTemplate.objects.filter(conference=self.conference, key=KEY).first() or EmailTemplate(
            conference=self.conference, key=KEY
        )

    def get(self, request, *args, **kwargs):
        form = DecisionMailForm(instance=self.row(), context=self.sample_context)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = DecisionMailForm(request.POST, instance=self.row(), context=self.sample_context)
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

    def sample_context(self, language):
        """The placeholders a wording is tried on: those of ``sample``, else of a stand-in."""
        decision = self.sample() or Decision(
            submission=Submission(conference=self.conference, code="P-0000"), outcome=Outcome.ACCEPT_POSTER
        )
        return decision_mail_context(decision, language=language)

    def previews(self):
        decision = self.sample()
        if decision is None:
            return []
        result = []
        for language, label in Language.choices:
            context = decision_mail_context(decision, language=language)
            try:
                result.append(
                    (label, render_message(key=KEY, language=language, context=context, conference=self.conference))
                )
            except TemplateSyntaxError:
                continue
        return result

    def get_context_data(self, **kwargs):
        return super().get_context_data(placeholders=MESSAGES[KEY].placeholders, previews=self.previews(), **kwargs)
