"""Reviewers (invited by mail, their topics and groups, their loads), reviewer groups (made by
hand, filled by hand or by their topic rule) and conflicts of interest (detected again on
demand, dismissed when wrong)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.log_actions import log

from cms.exceptions import FlockError
from reviewing.enums import DETECTED_SOURCES, ConflictSource, ReviewerState
from reviewing.models import Conflict, Reviewer, ReviewerGroup
from reviewing.progress import reviewers_with_load
from reviewing.services.conflicts import detect_conflicts, dismiss_conflict
from reviewing.services.invitations import send_invitation
from reviewing.services.reviewers import invite_reviewer, place_by_topic, update_reviewer
from reviewing.viewsets.chair.base import ChairScreen, posted_pk
from reviewing.viewsets.chair.forms import GroupForm, InviteForm, ReviewerForm


class ReviewersView(ChairScreen):
    template_name = "reviewing/chair/reviewers.html"
    page_title = gettext_lazy("Reviewers")
    tab = "review_chair:reviewers"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=InviteForm(conference=self.conference)))

    def post(self, request, *args, **kwargs):
        if "resend" in request.POST:
            reviewer = get_object_or_404(
                Reviewer, conference=self.conference, pk=posted_pk(request.POST["resend"]), state=ReviewerState.INVITED
            )
            send_invitation(reviewer=reviewer, by=request.user)
            messages.success(request, _("The invitation was sent again to %(email)s.") % {"email": reviewer.user.email})
            return self.back()
        form = InviteForm(request.POST, conference=self.conference)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        invited, refused = [], []
        for email in form.cleaned_data["emails"]:
            try:
                with transaction.atomic():
                    reviewer = invite_reviewer(
                        conference=self.conference,
                        email=email,
                        by=request.user,
                        topics=list(form.cleaned_data["topics"]),
                        language=form.cleaned_data["language"],
                    )
                    if form.cleaned_data["send_mail"] and reviewer.state == ReviewerState.INVITED:
                        send_invitation(reviewer=reviewer, by=request.user)
            except ValidationError as error:
                refused.append(f"{email}: {' '.join(error.messages)}")
            else:
                invited.append(reviewer)
        if invited:
            messages.success(
                request,
                ngettext("%(count)d reviewer invited.", "%(count)d reviewers invited.", len(invited))
                % {"count": len(invited)},
            )
        for problem in refused:
            messages.error(request, problem)
        return self.back()

    def get_context_data(self, **kwargs):
        reviewers = reviewers_with_load(self.conference, hidden=self.hidden)
        return super().get_context_data(reviewers=list(reviewers), **kwargs)


class ReviewerEditView(ChairScreen):
    template_name = "reviewing/chair/reviewer.html"
    tab = "review_chair:reviewers"

    def get_page_title(self):
        return str(self.reviewer)

    def setup_reviewer(self):
        self.reviewer = get_object_or_404(
            Reviewer.objects.select_related("user"), conference=self.conference, pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        self.setup_reviewer()
        initial = {"topics": list(self.reviewer.topics.all()), "groups": list(self.reviewer.groups.all())}
        return self.render_to_response(
            self.get_context_data(form=ReviewerForm(initial=initial, conference=self.conference))
        )

    def post(self, request, *args, **kwargs):
        self.setup_reviewer()
        form = ReviewerForm(request.POST, conference=self.conference)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        update_reviewer(
            reviewer=self.reviewer,
            topics=form.cleaned_data["topics"],
            groups=form.cleaned_data["groups"],
            by=request.user,
        )
        messages.success(request, _("%(name)s is saved.") % {"name": self.reviewer})
        return self.back()

    def get_context_data(self, **kwargs):
        assignments = (
            self.reviewer.assignments.exclude(submission__in=self.hidden)
            .select_related("submission", "review")
            .order_by("submission__code")
        )
        return super().get_context_data(reviewer=self.reviewer, assignments=assignments, **kwargs)


class GroupsView(ChairScreen):
    template_name = "reviewing/chair/groups.html"
    page_title = gettext_lazy("Reviewer groups")
    tab = "review_chair:groups"

    def group(self):
        pk = self.request.POST.get("group") or self.request.GET.get("edit")
        if not pk:
            return None
        return get_object_or_404(ReviewerGroup, conference=self.conference, pk=posted_pk(pk))

    def get(self, request, *args, **kwargs):
        form = GroupForm(instance=self.group(), conference=self.conference)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        group = self.group()
        if "place" in request.POST and group is not None:
            placed = place_by_topic(group=group, by=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)d submission placed in %(group)s.", "%(count)d submissions placed in %(group)s.", placed
                )
                % {"count": placed, "group": group.name},
            )
            return self.back()
        if "delete" in request.POST and group is not None:
            name = group.name
            log(instance=group, action="flock.review.group_deleted", user=request.user, data={"name": name})
            group.delete()
            messages.success(
                request, _("The group %(group)s is deleted; its submissions are in no group.") % {"group": name}
            )
            return self.back()
        form = GroupForm(request.POST, instance=group, conference=self.conference)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        with transaction.atomic():
            group = form.save()
            log(instance=group, action="flock.review.group_saved", user=request.user)
        messages.success(request, _("The group %(group)s is saved.") % {"group": group.name})
        return self.back()

    def get_context_data(self, **kwargs):
        shown = ~Q(placements__submission_id__in=self.hidden) if self.hidden else None
        groups = (
            ReviewerGroup.objects.filter(conference=self.conference)
            .prefetch_related("topics", "reviewers__user")
            .annotate(submission_count=Count("placements", filter=shown, distinct=True))
        )
        return super().get_context_data(groups=groups, **kwargs)


class ConflictsView(ChairScreen):
    template_name = "reviewing/chair/conflicts.html"
    page_title = gettext_lazy("Conflicts of interest")
    tab = "review_chair:conflicts"

    def post(self, request, *args, **kwargs):
        if "detect" in request.POST:
            added, removed = detect_conflicts(conference=self.conference)
            messages.success(
                request,
                _("Conflicts detected again: %(added)d new, %(removed)d no longer hold.")
                % {"added": added, "removed": removed},
            )
            return self.back()
        conflict = get_object_or_404(
            Conflict.objects.exclude(submission__in=self.hidden),
            conference=self.conference,
            pk=posted_pk(request.POST.get("dismiss")),
        )
        try:
            dismiss_conflict(conflict=conflict, by=request.user)
        except FlockError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("The conflict is dismissed: %(pair)s may now be assigned.") % {"pair": conflict}
            )
        return self.back()

    def get_context_data(self, **kwargs):
        conflicts = (
            Conflict.objects.filter(conference=self.conference)
            .exclude(submission__in=self.hidden)
            .select_related("reviewer__user", "submission", "dismissed_by")
            .order_by("dismissed_at", "submission__code", "reviewer__user__email")
        )
        source = self.request.GET.get("source")
        if source in ConflictSource.values:
            conflicts = conflicts.filter(source=source)
        return super().get_context_data(
            conflicts=conflicts[:1000],
            sources=ConflictSource.choices,
            source=source,
            detected=DETECTED_SOURCES,
            **kwargs,
        )
