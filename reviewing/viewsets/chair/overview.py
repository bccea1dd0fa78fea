"""The chair's start: the conferences whose review they run, and one conference's progress per
reviewer group (submissions, assigned, done, overdue) with the review forms of each phase."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.permissions import conferences_for
from reviewing.models import AssignmentPlan, Decision, ReviewForm
from reviewing.permissions import REVIEW_STAFF
from reviewing.progress import progress_by_group
from reviewing.viewsets.chair.base import ChairScreen, chairs_any


class ConferenceListView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reviewing/chair/index.html"
    page_title = gettext_lazy("Review")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not chairs_any(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        conferences = list(conferences_for(request.user, *REVIEW_STAFF).order_by("-start_date"))
        if len(conferences) == 1:
            return redirect("review_chair:overview", conferences[0].pk)
        return self.render_to_response(self.get_context_data(conferences=conferences))


class OverviewView(ChairScreen):
    template_name = "reviewing/chair/overview.html"
    page_title = gettext_lazy("Review progress")
    tab = "review_chair:overview"

    def get_context_data(self, **kwargs):
        groups, total = progress_by_group(self.conference, hidden=self.hidden)
        decisions = Decision.objects.filter(submission__conference=self.conference).exclude(submission__in=self.hidden)
        return super().get_context_data(
            groups=groups,
            total=total,
            pending=decisions.filter(released_at__isnull=True).count(),
            released=decisions.filter(released_at__isnull=False).count(),
            form_rows=self.form_rows(),
            plan=AssignmentPlan.objects.filter(conference=self.conference, applied_at__isnull=True).first(),
            **kwargs,
        )

    def form_rows(self):
        forms = {form.phase: form for form in ReviewForm.objects.filter(conference=self.conference)}
        return [(phase, label, forms.get(phase)) for phase, label in ReviewForm._meta.get_field("phase").choices]
