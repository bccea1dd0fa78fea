"""Who sets up and manages submissions: the conference's organizers and review chairs."""

from cms.enums import Role

SUBMISSION_STAFF = (Role.ORGANIZER, Role.REVIEW_CHAIR)
