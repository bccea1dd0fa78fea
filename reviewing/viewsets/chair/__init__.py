"""The review chair's screens in the Wagtail admin (*Review* menu), for the organizers and review
chairs of a conference: progress per group, submissions with their scores and decisions,
reviewers and invitations, groups, conflicts of interest, the automatic assignment and the
release of decisions. Every screen is under ``/admin/reviewing/<conference>/`` and answers 404
to anyone who does not chair that conference's review."""

from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from reviewing.viewsets.chair.automatic import AutomaticView, PlanView
from reviewing.viewsets.chair.base import chairs_any
from reviewing.viewsets.chair.decisions import DecisionsView
from reviewing.viewsets.chair.mail import DecisionMailView
from reviewing.viewsets.chair.overview import ConferenceListView, OverviewView
from reviewing.viewsets.chair.papers import SubmissionsView, SubmissionView
from reviewing.viewsets.chair.people import ConflictsView, GroupsView, ReviewerEditView, ReviewersView


class ChairMenuItem(MenuItem):
    def is_shown(self, request):
        return chairs_any(request.user)


class ReviewChairViewSet(ViewSet):
    name = "review_chair"
    url_prefix = "reviewing"
    icon = "tasks"
    menu_label = gettext_lazy("Review")
    menu_order = 165
    menu_item_class = ChairMenuItem
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [
            path("", ConferenceListView.as_view(), name="index"),
            path("<int:conference>/", OverviewView.as_view(), name="overview"),
            path("<int:conference>/submissions/", SubmissionsView.as_view(), name="submissions"),
            path("<int:conference>/submissions/<int:pk>/", SubmissionView.as_view(), name="submission"),
            path("<int:conference>/reviewers/", ReviewersView.as_view(), name="reviewers"),
            path("<int:conference>/reviewers/<int:pk>/", ReviewerEditView.as_view(), name="reviewer"),
            path("<int:conference>/groups/", GroupsView.as_view(), name="groups"),
            path("<int:conference>/conflicts/", ConflictsView.as_view(), name="conflicts"),
            path("<int:conference>/automatic/", AutomaticView.as_view(), name="automatic"),
            path("<int:conference>/automatic/<int:pk>/", PlanView.as_view(), name="plan"),
            path("<int:conference>/decisions/", DecisionsView.as_view(), name="decisions"),
            path("<int:conference>/decisions/mail/", DecisionMailView.as_view(), name="decision_mail"),
        ]
