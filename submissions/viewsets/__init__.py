"""The "Submissions" admin menu: the submissions of the user's conferences (listing, screen,
export, zip of files, import of invited abstracts), and setting up topics and the call for
papers. Everything is scoped to the conferences where the user is an organizer or review chair."""

from django.utils.translation import pgettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from submissions.viewsets.setup import SubmissionSettingsViewSet, TopicViewSet
from submissions.viewsets.submissions import SubmissionViewSet


class SubmissionsViewSetGroup(ViewSetGroup):
    menu_label = pgettext_lazy("admin menu", "Submissions")
    menu_icon = "doc-full"
    menu_order = 160
    items = (SubmissionViewSet, SubmissionSettingsViewSet, TopicViewSet)
