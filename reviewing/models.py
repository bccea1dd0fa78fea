"""Reviewers, reviewer groups, conflicts of interest and assignments. Nothing here writes: the
services in ``reviewing.services`` do."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.i18n import BilingualMixin, bilingual
from reviewing.enums import (
    AssignmentMethod,
    Confidence,
    ConflictSource,
    Outcome,
    Recommendation,
    ReviewerState,
    ReviewState,
)
from submissions.enums import Phase


class Reviewer(models.Model):
    """A person invited to review for a conference, with their topics of expertise."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="reviewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer_roles", verbose_name=_("person")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewerState.choices, default=ReviewerState.INVITED, db_index=True
    )
    topics = models.ManyToManyField(
        "submissions.Topic", blank=True, related_name="reviewers", verbose_name=_("topics of expertise")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["conference", "user__email"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [models.UniqueConstraint(fields=["conference", "user"], name="reviewer_once_per_conference")]
        permissions = [("review", _("Can review the submissions assigned to them"))]

    def __str__(self):
        return str(self.user)

    @property
    def is_active(self):
        return self.state == ReviewerState.ACCEPTED


class ReviewerGroup(BilingualMixin, models.Model):
    """A group of reviewers (稿件评审分组) and the submissions they review; ``topics`` is the rule
    that puts submissions of those topics into the group."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="reviewer_groups")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    reviewers = models.ManyToManyField(Reviewer, blank=True, related_name="groups", verbose_name=_("reviewers"))
    topics = models.ManyToManyField(
        "submissions.Topic", blank=True, related_name="reviewer_groups", verbose_name=_("topics it takes")
    )

    class Meta:
        ordering = ["conference", "id"]
        verbose_name = _("reviewer group")
        verbose_name_plural = _("reviewer groups")

    def __str__(self):
        return self.name

    name = bilingual("name")


class GroupedSubmission(models.Model):
    """A submission's group: at most one per submission."""

    group = models.ForeignKey(ReviewerGroup, on_delete=models.CASCADE, related_name="placements")
    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="review_group_placement"
    )
    placed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("submission in a group")
        verbose_name_plural = _("submissions in groups")


class Conflict(models.Model):
    """A conflict of interest between a reviewer and a submission. Active until the chair
    dismisses it (only detected ones can be dismissed)."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.CASCADE, related_name="review_conflicts")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="conflicts")
    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(_("source"), max_length=16, choices=ConflictSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "submission", "source"], name="conflict_once_per_source"),
        ]
        indexes = [models.Index(fields=["conference", "dismissed_at"])]

    def __str__(self):
        return f"{self.reviewer} × {self.submission.code}"

    @property
    def is_active(self):
        return self.dismissed_at is None


class Assignment(models.Model):
    """A submission given to a reviewer."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="review_assignments")
    submission = models.ForeignKey("submissions.Submission", on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="assignments")
    method = models.CharField(_("how"), max_length=10, choices=AssignmentMethod.choices)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    class Meta:
        ordering = ["submission", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["submission", "reviewer"], name="assignment_once_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.submission.code} → {self.reviewer}"


class AssignmentPlan(models.Model):
    """A preview of the automatic assignment, kept until the chair applies or drops it."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.CASCADE, related_name="assignment_plans")
    group = models.ForeignKey(ReviewerGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="plans")
    per_submission = models.PositiveSmallIntegerField(_("reviewers per submission"))
    pairs = models.JSONField(default=list)  # [[submission id, reviewer id], …]
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assignment plan")
        verbose_name_plural = _("assignment plans")


REVIEWED_PHASES = [(phase.value, phase.label) for phase in (Phase.ABSTRACT, Phase.FULL_PAPER)]


class ReviewForm(models.Model):
    """What reviewers fill in for one phase (abstract or full paper) of a conference: criteria
    with score scales and weights, then the recommendation, confidence and comments."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.CASCADE, related_name="review_forms")
    phase = models.CharField(
        _("phase"), max_length=16, choices=[("abstract", _("Abstract")), ("full_paper", _("Full paper"))]
    )
    closed_at = models.DateTimeField(_("reviewing closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("review form")
        verbose_name_plural = _("review forms")
        constraints = [models.UniqueConstraint(fields=["conference", "phase"], name="review_form_once_per_phase")]

    def __str__(self):
        return f"{self.conference} · {self.get_phase_display()}"


class Criterion(BilingualMixin, models.Model):
    form = models.ForeignKey(ReviewForm, on_delete=models.CASCADE, related_name="criteria")
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    help_zh = models.CharField(_("explanation (Chinese)"), max_length=500, blank=True)
    help_en = models.CharField(_("explanation (English)"), max_length=500, blank=True)
    scale_min = models.SmallIntegerField(_("lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("highest score"), default=5)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="criterion_scale_order"
            ),
        ]

    def __str__(self):
        return self.label

    label = bilingual("label")

    help = bilingual("help")


class Review(models.Model):
    """One reviewer's review of one assignment, of the exact file version they read."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    form = models.ForeignKey(ReviewForm, on_delete=models.PROTECT, related_name="reviews")
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation.choices, blank=True)
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=Confidence.choices, null=True, blank=True, validators=[MaxValueValidator(3)]
    )
    comments_to_authors = models.TextField(_("comments to the authors"), max_length=20000, blank=True)
    comments_to_committee = models.TextField(_("confidential comments to the committee"), max_length=20000, blank=True)
    file_read = models.ForeignKey(
        "submissions.SubmissionFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version read"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.assignment}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField(_("score"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion")]


class Decision(models.Model):
    """The chair's decision on a submission: pending (only the committee sees it) until released,
    when it changes the submission's state and the authors are told."""

    submission = models.OneToOneField("submissions.Submission", on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    note_to_authors = models.TextField(_("note to the authors"), max_length=5000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.submission.code}: {self.get_outcome_display()}"


class DiscussionPost(models.Model):
    """A message in the discussion of a submission between its reviewers and the chairs. Hidden
    from reviewers with a conflict of interest, and never shown to the authors."""

    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="discussion_posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    body = models.TextField(_("message"), max_length=10000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["submission", "created_at", "id"]
        verbose_name = _("discussion message")
        verbose_name_plural = _("discussion messages")

    def __str__(self):
        return f"{self.submission.code} · {self.created_at:%Y-%m-%d %H:%M}"
