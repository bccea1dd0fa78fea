"""Who runs review: the conference's organizers and review chairs (the "committee" of these
screens). Reviewers reach only their panel (``selectors.is_reviewer``)."""

from django.http import Http404

from cms.enums import Role
from cms.models import Conference
from cms.permissions import has_role

REVIEW_STAFF = (Role.ORGANIZER, Role.REVIEW_CHAIR)


def is_chair(user, conference):
    return bool(getattr(user, "is_authenticated", False) and user.is_active) and has_role(
        user, conference, *REVIEW_STAFF
    )


def chaired_conference(request, conference_pk):
    """The conference of ``conference_pk`` when the user chairs its review; 404 otherwise (as if
    it did not exist)."""
    conference = Conference.objects.filter(pk=conference_pk).first()
    if conference is None or not is_chair(request.user, conference):
        raise Http404
    return conference
