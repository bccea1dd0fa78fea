"""Submissions in the admin: the listing with filters (conference, topic, state, phase,
presentation, authors' country) and search (code, titles, abstract, keywords, authors), its
export with the authors, the submission's screen with every version of every file and its
history, the files themselves, the zip of current files (``archives``) and the import of invited
abstracts (``imports``)."""

import datetime

import django_filters
from django import forms
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django_countries import countries
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import registry as log_registry
from wagtail.permissions import policy_registry

from cms.admin_scoping import ScopedIndexView, ScopedInspectView
from cms.permissions import conference_ids_for, conferences_for
from commerce.viewsets.common import ExportColumnsMixin, ReadOnlyViewSet
from submissions import resources
from submissions.enums import Phase, PresentationType, SubmissionState
from submissions.models import Author, Submission, SubmissionFile, Topic
from submissions.permissions import SUBMISSION_STAFF
from submissions.selectors import files_by_kind
from submissions.viewsets import archives, imports


def staff_conferences(request):
    return conferences_for(request.user, *SUBMISSION_STAFF) if request else None


def _topics(request):
    if request is None:
        return Topic.objects.none()
    return Topic.objects.filter(conference__in=staff_conferences(request)).select_related("conference")


def inspect_url(submission):
    return reverse("submissions_admin:inspect", args=[submission.pk])


class SubmissionFilterSet(WagtailFilterSet):
    conference = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("admin", "Conference"), queryset=lambda request: staff_conferences(request)
    )
    topic = django_filters.ModelChoiceFilter(label=gettext_lazy("Topic"), queryset=_topics)
    state = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("State"), choices=SubmissionState.choices, widget=forms.CheckboxSelectMultiple
    )
    phase = django_filters.ChoiceFilter(label=gettext_lazy("Phase"), choices=Phase.choices)
    presentation_preference = django_filters.ChoiceFilter(
        label=gettext_lazy("Preferred presentation"), choices=PresentationType.choices
    )
    country = django_filters.ChoiceFilter(label=gettext_lazy("Authors' country"), choices=[], method="filter_country")

    class Meta:
        model = Submission
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        several = user.is_superuser or len(conference_ids_for(user, *SUBMISSION_STAFF)) > 1
        if not several:
            del self.filters["conference"]
        self.filters["topic"].field.label_from_instance = (
            (lambda t: f"{t.conference.acronym} · {t.name}") if several else (lambda t: t.name)
        )
        authors = Author.objects.all()
        if not user.is_superuser:  # the countries of the user's conferences only
            authors = authors.filter(submission__conference__in=conference_ids_for(user, *SUBMISSION_STAFF))
        present = set(authors.exclude(country="").order_by().values_list("country", flat=True).distinct())
        named = [(code, countries.name(code)) for code in present]
        self.filters["country"].extra["choices"] = sorted(named, key=lambda choice: str(choice[1]))

    def filter_country(self, queryset, name, value):
        return queryset.filter(pk__in=Author.objects.filter(country=value).values("submission"))


class TextColumn(Column):
    """A plain cell rendered without a template (a listing shows hundreds of them)."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if isinstance(value, datetime.datetime):
            value = date_format(localtime(value), "SHORT_DATETIME_FORMAT")
        return format_html("<td>{}</td>", "" if value is None else value)


class CodeColumn(TextColumn):
    def __init__(self, name="code", **kwargs):
        super().__init__(name, label=gettext_lazy("Code"), accessor="code", sort_key="code", **kwargs)

    def render_cell_html(self, instance, parent_context):
        url = inspect_url(instance)
        return format_html('<td><a href="{}" class="w-font-bold w-whitespace-nowrap">{}</a></td>', url, instance.code)


class TitleColumn(TextColumn):
    """The title, linking to the screen, above the first three authors."""

    def __init__(self, name="title", **kwargs):
        super().__init__(name, label=gettext_lazy("Title"), accessor=lambda s: s, **kwargs)

    def render_cell_html(self, instance, parent_context):
        names = [author.name for author in instance.authors.all()]
        authors = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        return format_html(
            '<td><a href="{}">{}</a><div class="w-text-text-meta">{}</div></td>',
            inspect_url(instance),
            Truncator(instance.title).chars(90),
            authors,
        )


class StateColumn(TextColumn):
    def __init__(self, name="state", **kwargs):
        super().__init__(name, label=gettext_lazy("State"), accessor="get_state_display", sort_key="state", **kwargs)

    def render_cell_html(self, instance, parent_context):
        return format_html(
            '<td><span class="w-status w-status--label flock-submission-state flock-state-{}">{}</span></td>',
            instance.state,
            instance.get_state_display(),
        )


class SubmissionIndexView(ExportColumnsMixin, ScopedIndexView):
    default_ordering = "-created_at"
    page_sizes = (20, 50, 100, 200)

    def get_paginate_by(self, queryset):
        """``?per_page=`` one of ``page_sizes`` (20 by default)."""
        asked = self.request.GET.get("per_page", "")
        if asked.isdigit() and int(asked) in self.page_sizes:
            return int(asked)
        return super().get_paginate_by(queryset)

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("conference", "topic")
            .prefetch_related(Prefetch("authors", queryset=Author.objects.order_by("position")))
        )

    @cached_property
    def columns(self):
        """Without the conference column for those who manage only one."""
        user = self.request.user
        if user.is_superuser or len(conference_ids_for(user, *SUBMISSION_STAFF)) > 1:
            return super().columns
        return [column for column in super().columns if column.name != "conference"]

    def search_queryset(self, queryset):
        """Every word must appear in the code, a title, the abstract, the keywords or an
        author's name, address or affiliation (substrings: Chinese has no spaces between words)."""
        if not self.is_searching:
            return queryset
        for word in self.search_query.split()[:8]:
            authors = Author.objects.filter(
                Q(name__icontains=word) | Q(email__icontains=word) | Q(affiliation__icontains=word)
            ).values("submission")
            queryset = queryset.filter(
                Q(code__icontains=word)
                | Q(title_zh__icontains=word)
                | Q(title_en__icontains=word)
                | Q(keywords__icontains=word)
                | Q(abstract__icontains=word)
                | Q(pk__in=authors)
            )
        return queryset

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        query = self.request.GET.urlencode()
        buttons.append(
            HeaderButton(
                _("Download files (zip)"),
                url=reverse("submissions_admin:archive_new") + (f"?{query}" if query else ""),
                icon_name="download",
            )
        )
        if self.permission_policy.user_has_permission(self.request.user, "import"):
            buttons.append(
                HeaderButton(_("Import invited abstracts"), url=reverse("submissions_admin:import"), icon_name="upload")
            )
        return buttons

    def as_spreadsheet(self, queryset, spreadsheet_format):
        self.export_language = translation.get_language()
        return super().as_spreadsheet(resources.submissions_for_export(queryset), spreadsheet_format)

    def to_row_dict(self, item):
        with translation.override(self.export_language):
            return super().to_row_dict(item)

    def get_heading(self, queryset, field):
        with translation.override(self.export_language):
            return capfirst(super().get_heading(queryset, field))


class SubmissionInspectView(ScopedInspectView):
    template_name = "submissions/admin/inspect.html"

    def get_object(self, queryset=None):
        related = Submission.objects.select_related("conference", "topic", "submitter").prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("position")), "files"
        )
        submission = get_object_or_404(related, pk=self.pk)
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, self.scoped_actions, submission
        ):
            raise Http404
        return submission

    def get_page_title(self):
        return _("Submission")

    def get_page_subtitle(self):
        return self.object.code

    def get_context_data(self, **kwargs):
        submission = self.object
        history = list(
            log_registry.get_logs_for_instance(submission).select_related("user").order_by("-timestamp", "-pk")
        )
        files = [
            (kind, [(f, reverse("submissions_admin:file", args=[submission.pk, f.pk])) for f in versions])
            for kind, versions in files_by_kind(submission)
        ]
        return super().get_context_data(submission=submission, files=files, history=history, **kwargs)


class SubmissionFileView(View):
    """A stored file of a submission the user may see, under the author's file name."""

    def get(self, request, pk, file_pk):
        from submissions.views import file_response

        policy = policy_registry.get_by_type(Submission)
        visible = policy.instances_user_has_any_permission_for(request.user, ["view", "change"])
        stored = get_object_or_404(SubmissionFile.objects.filter(submission__in=visible), pk=file_pk, submission=pk)
        return file_response(stored)


class SubmissionViewSet(ReadOnlyViewSet):
    model = Submission
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Submissions")
    menu_order = 10
    url_prefix = "submissions/all"
    name = "submissions_admin"
    index_view_class = SubmissionIndexView
    inspect_view_class = SubmissionInspectView
    inspect_view_enabled = True
    filterset_class = SubmissionFilterSet
    list_display = [
        CodeColumn(),
        TitleColumn(),
        TextColumn("conference", label=pgettext_lazy("admin", "Conference"), accessor="conference.acronym"),
        TextColumn("topic", label=gettext_lazy("Topic"), accessor=lambda s: s.topic.name if s.topic else "—"),
        StateColumn(),
        TextColumn("phase", label=gettext_lazy("Phase"), accessor="get_phase_display", sort_key="phase"),
        TextColumn(
            "presentation_preference",
            label=gettext_lazy("Presentation"),
            accessor="get_presentation_preference_display",
        ),
        TextColumn("submitted_at", label=gettext_lazy("Submitted"), sort_key="submitted_at"),
    ]
    search_fields = ["code"]  # the index view searches titles, abstract, keywords and authors too
    export_columns = resources.EXPORT_COLUMNS
    export_filename = "submissions"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("inspect/<int:pk>/files/<int:file_pk>/", SubmissionFileView.as_view(), name="file"),
            *archives.urlpatterns(self.permission_policy),
            *imports.urlpatterns(self.permission_policy),
        ]
