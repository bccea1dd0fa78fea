"""Setting up submissions in the admin: topics and the call for papers of each conference.

Both are Wagtail model views scoped to the conferences where the user is an organizer or review
chair (another conference's row opened by its id answers 404). The call for papers of a
conference is made the first time someone lists them; it is edited, never added or deleted.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column

from cms.admin_scoping import ScopedIndexView, ScopedModelViewSet
from cms.permissions import conferences_for
from submissions.admin_forms import SubmissionSettingsAdminForm, TopicAdminForm
from submissions.models import SubmissionSettings, Topic
from submissions.permissions import SUBMISSION_STAFF
from submissions.services.windows import submission_settings_for


def local_time(name):
    """A column accessor: the row's moment ``name`` in its conference's time zone."""

    def read(row):
        value = getattr(row, name)
        return f"{value.astimezone(row.conference.tz):%Y-%m-%d %H:%M}" if value else "—"

    return read


class TopicIndexView(ScopedIndexView):
    default_ordering = "sort_order"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("conference").annotate(submission_count=Count("submissions"))


class TopicViewSet(ScopedModelViewSet):
    model = Topic
    icon = "tag"
    menu_label = gettext_lazy("Topics")
    url_prefix = "submissions/topics"
    name = "submission_topics"
    index_view_class = TopicIndexView
    search_fields = ["name_zh", "name_en"]
    export_formats = []
    list_display = [
        "name_zh",
        "name_en",
        Column("conference", label=pgettext_lazy("admin", "Conference"), accessor="conference.acronym"),
        Column("submission_count", label=gettext_lazy("Submissions")),
        BooleanColumn("active", label=gettext_lazy("Offered")),
        "sort_order",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("conference"),
            FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
            FieldRowPanel([FieldPanel("sort_order"), FieldPanel("active")]),
        ],
        base_form_class=TopicAdminForm,
    )


class CallIndexView(ScopedIndexView):
    def get_base_queryset(self):
        for conference in conferences_for(self.request.user, *SUBMISSION_STAFF):
            submission_settings_for(conference)  # one call for papers per conference, made on first sight
        return super().get_base_queryset().select_related("conference")


class SubmissionSettingsViewSet(ScopedModelViewSet):
    model = SubmissionSettings
    icon = "cog"
    menu_label = gettext_lazy("Call for papers")
    url_prefix = "submissions/call"
    name = "submission_settings"
    index_view_class = CallIndexView
    export_formats = []
    list_display = [
        "conference",
        BooleanColumn("abstract_enabled", label=gettext_lazy("Abstracts")),
        Column("abstract_closes_at", label=gettext_lazy("Abstracts close"), accessor=local_time("abstract_closes_at")),
        BooleanColumn("full_paper_enabled", label=gettext_lazy("Full papers")),
        Column(
            "full_paper_closes_at", label=gettext_lazy("Full papers close"), accessor=local_time("full_paper_closes_at")
        ),
        BooleanColumn("double_blind", label=gettext_lazy("Double-blind")),
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("abstract_enabled"),
                    FieldRowPanel([FieldPanel("abstract_opens_at"), FieldPanel("abstract_closes_at")]),
                    FieldPanel("abstract_max_size_mb"),
                ],
                heading=gettext_lazy("Abstracts"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("full_paper_enabled"),
                    FieldRowPanel([FieldPanel("full_paper_opens_at"), FieldPanel("full_paper_closes_at")]),
                    FieldPanel("full_paper_max_size_mb"),
                    FieldPanel("allow_word"),
                ],
                heading=gettext_lazy("Full papers"),
            ),
            MultiFieldPanel(
                [FieldPanel("camera_ready_enabled"), FieldPanel("camera_ready_closes_at")],
                heading=gettext_lazy("Camera-ready versions"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("late_policy"),
                    FieldPanel("max_per_person"),
                    FieldPanel("presentation_types"),
                    FieldPanel("double_blind"),
                ],
                heading=gettext_lazy("Rules"),
            ),
        ],
        base_form_class=SubmissionSettingsAdminForm,
    )
