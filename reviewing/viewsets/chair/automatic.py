"""The automatic assignment: the chair asks for a plan (k reviewers per submission, for one group
or everyone), reads the preview (how many new assignments, experts, submissions left short, the
loads per reviewer and every new pair), then applies it with a due date or drops it."""

from collections import defaultdict

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cms.exceptions import FlockError
from reviewing.models import AssignmentPlan, Reviewer
from reviewing.services.assignments import apply_plan, plan_automatic
from reviewing.viewsets.chair.base import ChairScreen
from reviewing.viewsets.chair.forms import AssignForm, PlanForm
from reviewing.viewsets.chair.papers import end_of_day
from submissions.models import Submission

SHOWN_PAIRS = 500


def due_form(data=None):
    """The due date of a plan's assignments (``AssignForm`` without its reviewers)."""
    form = AssignForm(data, reviewers=Reviewer.objects.none())
    del form.fields["reviewers"]
    return form


class AutomaticView(ChairScreen):
    template_name = "reviewing/chair/automatic.html"
    page_title = gettext_lazy("Automatic assignment")
    tab = "review_chair:automatic"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=PlanForm(conference=self.conference)))

    def post(self, request, *args, **kwargs):
        form = PlanForm(request.POST, conference=self.conference)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        plan = plan_automatic(
            conference=self.conference,
            per_submission=form.cleaned_data["per_submission"],
            group=form.cleaned_data["group"],
            by=request.user,
        )
        return self.back("review_chair:plan", plan.pk)


class PlanView(ChairScreen):
    template_name = "reviewing/chair/plan.html"
    page_title = gettext_lazy("Assignment plan")
    tab = "review_chair:automatic"

    def plan(self):
        return get_object_or_404(AssignmentPlan, conference=self.conference, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(plan=self.plan()))

    def post(self, request, *args, **kwargs):
        plan = self.plan()
        if "drop" in request.POST:
            if plan.applied_at is None:
                plan.delete()
                messages.success(request, _("The plan is dropped; nothing was assigned."))
            return self.back("review_chair:automatic")
        form = due_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(plan=plan, due_form=form), status=400)
        try:
            made = apply_plan(plan=plan, by=request.user, due_at=end_of_day(form.cleaned_data["due"], self.conference))
        except FlockError as error:
            messages.error(request, str(error.message))
            return self.back("review_chair:automatic")
        messages.success(
            request, ngettext("%(count)d assignment made.", "%(count)d assignments made.", made) % {"count": made}
        )
        return self.back("review_chair:overview")

    def get_context_data(self, plan, **kwargs):
        # The pairs of submissions the chair is in conflict with are not shown (nor counted).
        pairs = [pair for pair in plan.pairs if pair[0] not in self.hidden]
        submission_ids = {s for s, _r in pairs[:SHOWN_PAIRS]}
        reviewer_ids = {r for _s, r in pairs}
        codes = dict(Submission.objects.filter(pk__in=submission_ids).values_list("pk", "code"))
        reviewers = {r.pk: r for r in Reviewer.objects.filter(pk__in=reviewer_ids).select_related("user")}
        new_load = defaultdict(int)
        for _s, r in pairs:
            new_load[r] += 1
        loads = sorted(
            ((reviewers[r], count) for r, count in new_load.items() if r in reviewers),
            key=lambda item: (-item[1], item[0].user.email),
        )
        shown = [(codes.get(s, "?"), reviewers.get(r)) for s, r in pairs[:SHOWN_PAIRS]]
        kwargs.setdefault("due_form", due_form())
        return super().get_context_data(
            plan=plan,
            loads=loads,
            shown=sorted(shown, key=lambda pair: pair[0]),
            hidden_pairs=max(0, len(pairs) - SHOWN_PAIRS),
            **kwargs,
        )
