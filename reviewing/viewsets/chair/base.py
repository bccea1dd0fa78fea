"""What every chair screen shares: the conference from the URL (404 unless the user chairs its
review), the submissions hidden from the chair by their own conflicts of interest, breadcrumbs,
and a tab bar between the screens."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.permissions import conference_ids_for
from reviewing.permissions import REVIEW_STAFF, chaired_conference
from reviewing.selectors import conflicted_submission_ids

TABS = (
    ("review_chair:overview", gettext_lazy("Progress")),
    ("review_chair:submissions", gettext_lazy("Submissions and scores")),
    ("review_chair:reviewers", gettext_lazy("Reviewers")),
    ("review_chair:groups", gettext_lazy("Groups")),
    ("review_chair:conflicts", gettext_lazy("Conflicts of interest")),
    ("review_chair:automatic", gettext_lazy("Automatic assignment")),
    ("review_chair:decisions", gettext_lazy("Decisions")),
)


def posted_pk(value):
    """The primary key in ``value``, text from GET or POST: an int, or 0 (matches no row, so
    ``get_object_or_404`` answers 404 rather than a 500 for ``"abc"``)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and value.isascii() and len(value) < 19 else 0


def posted_pks(values):
    """The primary keys among ``values`` (a ``getlist``), leaving out what is not one."""
    return [pk for pk in map(posted_pk, values) if pk]


def chairs_any(user):
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_superuser or bool(conference_ids_for(user, *REVIEW_STAFF))


class ChairScreen(WagtailAdminTemplateMixin, TemplateView):
    """A screen of one conference's review. ``tab`` names the URL of the tab it belongs to."""

    header_icon = "tasks"
    _show_breadcrumbs = True
    tab = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('wagtailadmin_login')}?next={request.path}")
        if not chairs_any(request.user):
            raise PermissionDenied
        self.conference = chaired_conference(request, kwargs["conference"])
        self.hidden = conflicted_submission_ids(request.user, self.conference)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.conference.acronym

    def url(self, name, *args):
        return reverse(name, args=[self.conference.pk, *args])

    def get_breadcrumbs_items(self):
        items = [
            *self.breadcrumbs_items,
            {"url": reverse("review_chair:index"), "label": gettext_lazy("Review")},
            {"url": self.url("review_chair:overview"), "label": self.conference.acronym},
        ]
        return [*items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        tabs = [{"url": self.url(name), "label": label, "active": name == self.tab} for name, label in TABS]
        kwargs.update(conference=self.conference, tabs=tabs)  # the URL's ``conference`` is its pk
        return super().get_context_data(**kwargs)

    def back(self, name="", *args):
        return redirect(self.url(name or self.tab, *args))
