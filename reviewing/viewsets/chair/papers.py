"""Submissions under review, for the chair: the table (group, reviewers, reviews done, mean,
weighted, spread, disagreement, decision) with filters and actions on a selection (put in a
group, assign reviewers, record a decision, release decisions), and one submission's screen
(its reviewers given and taken back, every review in full, its conflicts, the discussion, the
decision)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cms.exceptions import FlockError
from reviewing.enums import ConflictSource, Outcome
from reviewing.models import Assignment, Conflict, Decision, Reviewer, ReviewerGroup
from reviewing.progress import CHAIR_STATES, chair_submissions, criteria_by_phase, submission_rows
from reviewing.selectors import active_reviewers, undecided
from reviewing.services.assignments import assign, assign_in_bulk, unassign
from reviewing.services.conflicts import declare_conflict
from reviewing.services.decisions import record_decision, release_decision, release_decisions, reopened
from reviewing.services.reviewers import place_in_group
from reviewing.services.reviews import aggregate, review_score
from reviewing.viewsets.chair.base import ChairScreen, posted_pk, posted_pks
from reviewing.viewsets.chair.forms import AssignForm, DecisionForm
from reviewing.viewsets.discussion import discussion_context
from submissions.enums import SubmissionState
from submissions.models import Submission

PER_PAGE = 50
FLAGS = (
    ("disagree", gettext_lazy("Reviewers disagree")),
    ("undecided", gettext_lazy("No decision yet")),
    ("pending", gettext_lazy("Decision not released")),
    ("unassigned", gettext_lazy("No reviewer")),
)


def end_of_day(day, conference):
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=conference.tz)


def _refusals(request, refused):
    for subject, reason in refused[:20]:
        messages.error(request, f"{subject}: {reason}")
    if len(refused) > 20:
        messages.error(request, _("…and %(count)d more refused.") % {"count": len(refused) - 20})


class SubmissionsView(ChairScreen):
    template_name = "reviewing/chair/submissions.html"
    page_title = gettext_lazy("Submissions and scores")
    tab = "review_chair:submissions"

    def filtered(self):
        submissions = chair_submissions(self.conference, hidden=self.hidden)
        params = self.request.GET
        group = params.get("group", "")
        if group == "none":
            submissions = submissions.filter(review_group_placement__isnull=True)
        elif group.isascii() and group.isdigit():
            submissions = submissions.filter(review_group_placement__group_id=int(group))
        if params.get("state") in CHAIR_STATES:
            submissions = submissions.filter(state=params["state"])
        if query := params.get("q", "").strip()[:100]:
            submissions = submissions.filter(
                Q(code__icontains=query) | Q(title_zh__icontains=query) | Q(title_en__icontains=query)
            )
        flag = params.get("flag")
        if flag == "undecided":
            submissions = submissions.filter(undecided())
        elif flag == "pending":
            submissions = submissions.filter(decision__released_at__isnull=True, decision__isnull=False)
        elif flag == "unassigned":
            submissions = submissions.annotate(n=Count("assignments")).filter(n=0)
        rows = submission_rows(submissions, criteria_by_phase(self.conference))
        if flag == "disagree":
            rows = [row for row in rows if row.summary["disagree"]]
        if params.get("sort") == "score":
            rows.sort(key=lambda row: (row.summary["weighted"] is None, -(row.summary["weighted"] or 0)))
        return rows

    def get_context_data(self, **kwargs):
        rows = self.filtered()
        page = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("p"))
        query = self.request.GET.copy()
        query.pop("p", None)
        return super().get_context_data(
            page=page,
            rows=page.object_list,
            count=len(rows),
            query=query.urlencode(),
            groups=list(ReviewerGroup.objects.filter(conference=self.conference)),
            reviewers=list(active_reviewers(self.conference).select_related("user")),
            states=[(state, SubmissionState(state).label) for state in CHAIR_STATES],
            flags=FLAGS,
            outcomes=Outcome.choices,
            params=self.request.GET,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        ids = posted_pks(request.POST.getlist("selected"))
        selected = list(
            Submission.objects.filter(conference=self.conference, pk__in=ids, state__in=CHAIR_STATES)
            .exclude(pk__in=self.hidden)
            .order_by("code")
        )
        back = self.redirect_back()
        if not selected:
            messages.error(request, _("Please select one or more submissions first."))
            return back
        action = request.POST.get("action")
        if action == "group":
            pk = posted_pk(request.POST.get("group"))
            group = get_object_or_404(ReviewerGroup, conference=self.conference, pk=pk)
            placed = place_in_group(group=group, submissions=selected, by=request.user)
            messages.success(request, _("%(count)d placed in %(group)s.") % {"count": placed, "group": group.name})
        elif action == "assign":
            reviewer_ids = posted_pks(request.POST.getlist("reviewers"))
            reviewers = list(active_reviewers(self.conference).filter(pk__in=reviewer_ids).select_related("user"))
            if not reviewers:
                messages.error(request, _("Please choose one or more reviewers."))
                return back
            made, refused = assign_in_bulk(submissions=selected, reviewers=reviewers, by=request.user)
            messages.success(
                request,
                ngettext("%(count)d assignment made.", "%(count)d assignments made.", len(made)) % {"count": len(made)},
            )
            _refusals(request, [(f"{s.code} → {r}", reason) for s, r, reason in refused])
        elif action == "decide":
            self.decide(selected, request.POST.get("outcome"))
        elif action == "release":
            decisions = Decision.objects.filter(submission__in=selected, released_at__isnull=True)
            released, refused = release_decisions(decisions=list(decisions), by=request.user)
            messages.success(
                request,
                ngettext("%(count)d decision released.", "%(count)d decisions released.", len(released))
                % {"count": len(released)},
            )
            _refusals(request, [(d.submission.code, reason) for d, reason in refused])
        else:
            messages.error(request, _("Please choose what to do with the selection."))
        return back

    def decide(self, selected, outcome):
        if outcome not in Outcome.values:
            messages.error(self.request, _("Please choose a decision."))
            return
        done, refused = 0, []
        for submission in selected:
            try:
                record_decision(submission=submission, outcome=outcome, by=self.request.user)
            except FlockError as error:
                refused.append((submission.code, str(error.message)))
            else:
                done += 1
        messages.success(
            self.request,
            ngettext("%(count)d decision recorded (pending).", "%(count)d decisions recorded (pending).", done)
            % {"count": done},
        )
        _refusals(self.request, refused)

    def redirect_back(self):
        query = self.request.POST.get("query", "")
        return redirect(self.url("review_chair:submissions") + (f"?{query}" if query else ""))


class SubmissionView(ChairScreen):
    """One submission: reviewers, reviews, conflicts, discussion and the decision."""

    template_name = "reviewing/chair/submission.html"
    tab = "review_chair:submissions"

    def get_page_title(self):
        return self.submission.code

    def dispatch(self, request, *args, **kwargs):
        self.submission_pk = kwargs["pk"]
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        self.submission = get_object_or_404(
            Submission.objects.exclude(pk__in=self.hidden).select_related("topic", "conference"),
            conference=self.conference,
            pk=self.submission_pk,
            state__in=(*CHAIR_STATES, SubmissionState.WITHDRAWN),
        )

    def get(self, request, *args, **kwargs):
        self.load()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.load()
        handler = {
            "assign": self.post_assign,
            "unassign": self.post_unassign,
            "decide": self.post_decide,
            "release": self.post_release,
            "conflict": self.post_conflict,
        }.get(request.POST.get("action"))
        if handler is None:
            messages.error(request, _("Please choose what to do."))
            return self.back("review_chair:submission", self.submission.pk)
        return handler()

    def candidates(self):
        assigned = Assignment.objects.filter(submission=self.submission).values("reviewer")
        conflicted = Conflict.objects.filter(submission=self.submission, dismissed_at__isnull=True).values("reviewer")
        return (
            active_reviewers(self.conference)
            .exclude(pk__in=assigned)
            .exclude(pk__in=conflicted)
            .select_related("user")
            .annotate(load=Count("assignments"))
            .order_by("load", "user__email")
        )

    def post_assign(self):
        form = AssignForm(self.request.POST, reviewers=self.candidates())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(assign_form=form), status=400)
        due_at = end_of_day(form.cleaned_data["due"], self.conference)
        for reviewer in form.cleaned_data["reviewers"]:
            try:
                assign(submission=self.submission, reviewer=reviewer, by=self.request.user, due_at=due_at)
            except FlockError as error:
                messages.error(self.request, f"{reviewer}: {error.message}")
            else:
                messages.success(self.request, _("Assigned to %(reviewer)s.") % {"reviewer": reviewer})
        return self.back("review_chair:submission", self.submission.pk)

    def post_unassign(self):
        assignment = get_object_or_404(
            Assignment, submission=self.submission, pk=posted_pk(self.request.POST.get("assignment"))
        )
        try:
            unassign(assignment=assignment, by=self.request.user)
        except FlockError as error:
            messages.error(self.request, str(error.message))
        else:
            messages.success(self.request, _("%(reviewer)s no longer reviews it.") % {"reviewer": assignment.reviewer})
        return self.back("review_chair:submission", self.submission.pk)

    def post_decide(self):
        form = DecisionForm(self.request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(decision_form=form), status=400)
        try:
            record_decision(
                submission=self.submission,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                replace=form.cleaned_data["replace"],
                by=self.request.user,
            )
        except FlockError as error:
            form.add_error(None, str(error.message))
            return self.render_to_response(self.get_context_data(decision_form=form), status=409)
        messages.success(self.request, _("The decision is recorded; the authors are told when you release it."))
        return self.back("review_chair:submission", self.submission.pk)

    def post_release(self):
        decision = get_object_or_404(Decision, submission=self.submission)
        try:
            release_decision(decision=decision, by=self.request.user)
        except FlockError as error:
            messages.error(self.request, str(error.message))
        else:
            messages.success(self.request, _("The decision is released and the authors are told."))
        return self.back("review_chair:submission", self.submission.pk)

    def post_conflict(self):
        reviewer = get_object_or_404(
            Reviewer.objects.filter(conference=self.conference),
            pk=posted_pk(self.request.POST.get("reviewer")),
        )
        try:
            declare_conflict(
                reviewer=reviewer,
                submission=self.submission,
                source=ConflictSource.AUTHOR,
                by=self.request.user,
                note=self.request.POST.get("note", "")[:300],
            )
        except (FlockError, ValidationError) as error:
            messages.error(self.request, str(getattr(error, "message", error)))
        else:
            messages.success(self.request, _("The conflict with %(reviewer)s is recorded.") % {"reviewer": reviewer})
        return self.back("review_chair:submission", self.submission.pk)

    def get_context_data(self, **kwargs):
        submission = self.submission
        criteria = criteria_by_phase(self.conference).get(
            "full_paper" if submission.phase == "full_paper" else "abstract", []
        )
        assignments = list(
            Assignment.objects.filter(submission=submission)
            .select_related("reviewer__user", "review__file_read")
            .prefetch_related("review__scores")
            .order_by("pk")
        )
        reviews = []
        for number, assignment in enumerate(assignments, start=1):
            review = getattr(assignment, "review", None)
            if review is None:
                continue
            values = {score.criterion_id: score.value for score in review.scores.all()}
            mean, weighted = review_score(review, criteria)
            reviews.append(
                {
                    "number": number,
                    "assignment": assignment,
                    "review": review,
                    "scores": [(criterion, values.get(criterion.pk)) for criterion in criteria],
                    "mean": mean,
                    "weighted": weighted,
                }
            )
        decision = Decision.objects.filter(submission=submission).select_related("decided_by").first()
        pending = decision if decision is not None and decision.released_at is None else None
        kwargs.setdefault("assign_form", AssignForm(reviewers=self.candidates()))
        kwargs.setdefault(
            "decision_form",
            DecisionForm(initial={"outcome": pending.outcome, "note": pending.note_to_authors} if pending else None),
        )
        return super().get_context_data(
            submission=submission,
            authors=list(submission.authors.all()),
            assignments=assignments,
            reviews=reviews,
            criteria=criteria,
            summary=aggregate([r["review"] for r in reviews], criteria),
            conflicts=Conflict.objects.filter(submission=submission).select_related("reviewer__user").order_by("pk"),
            all_reviewers=active_reviewers(self.conference).select_related("user"),
            decision=decision,
            pending=pending,
            decidable=decision is None or pending is not None or reopened(decision, submission),
            discussion=self.discussion(),
            **kwargs,
        )

    def discussion(self):
        return discussion_context(self.submission, self.request.user, self.request.path)
