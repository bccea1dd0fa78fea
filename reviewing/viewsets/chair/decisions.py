"""Decisions waiting to be released, and their release to the authors (each one its own
transaction: a refusal stops nothing else)."""

from django.contrib import messages
from django.utils.translation import gettext_lazy, ngettext

from reviewing.models import Decision
from reviewing.services.decisions import release_decisions
from reviewing.viewsets.chair.base import ChairScreen, posted_pks


class DecisionsView(ChairScreen):
    template_name = "reviewing/chair/decisions.html"
    page_title = gettext_lazy("Decisions")
    tab = "review_chair:decisions"

    def decisions(self):
        return (
            Decision.objects.filter(submission__conference=self.conference)
            .exclude(submission__in=self.hidden)
            .select_related("submission__topic", "decided_by")
            .order_by("released_at", "submission__code")
        )

    def post(self, request, *args, **kwargs):
        pending = self.decisions().filter(released_at__isnull=True)
        if "all" not in request.POST:
            ids = posted_pks(request.POST.getlist("selected"))
            pending = pending.filter(pk__in=ids)
        released, refused = release_decisions(decisions=list(pending), by=request.user)
        messages.success(
            request,
            ngettext("%(count)d decision released.", "%(count)d decisions released.", len(released))
            % {"count": len(released)},
        )
        for decision, reason in refused:
            messages.error(request, f"{decision.submission.code}: {reason}")
        return self.back()

    def get_context_data(self, **kwargs):
        decisions = list(self.decisions())
        return super().get_context_data(
            pending=[d for d in decisions if d.released_at is None],
            released=[d for d in decisions if d.released_at is not None],
            **kwargs,
        )
