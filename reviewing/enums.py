"""States and kinds of review."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReviewerState(models.TextChoices):
    INVITED = "invited", pgettext_lazy("reviewer", "Invited")
    ACCEPTED = "accepted", pgettext_lazy("reviewer", "Accepted")
    DECLINED = "declined", pgettext_lazy("reviewer", "Declined")


class ConflictSource(models.TextChoices):
    """Where a conflict of interest comes from: declared by a person, or detected by Flock."""

    REVIEWER = "reviewer", _("Declared by the reviewer")
    AUTHOR = "author", _("Declared by the authors")
    EMAIL_DOMAIN = "email_domain", _("Same email domain")
    AFFILIATION = "affiliation", _("Same affiliation")
    COAUTHOR = "coauthor", _("Co-author in this conference")


DETECTED_SOURCES = frozenset({ConflictSource.EMAIL_DOMAIN, ConflictSource.AFFILIATION, ConflictSource.COAUTHOR})


class AssignmentMethod(models.TextChoices):
    MANUAL = "manual", _("By hand")
    BULK = "bulk", _("In bulk")
    AUTOMATIC = "automatic", _("Automatic")
    IMPORT = "import", _("Imported")


# Mail services everyone uses: the same domain says nothing about where two people work.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "126.com",
        "139.com",
        "163.com",
        "aliyun.com",
        "foxmail.com",
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "yahoo.com",
        "yeah.net",
    }
)


class Recommendation(models.TextChoices):
    ACCEPT_ORAL = "accept_oral", _("Accept as an oral presentation")
    ACCEPT_POSTER = "accept_poster", _("Accept as a poster")
    MINOR_REVISION = "minor_revision", _("Minor revision")
    MAJOR_REVISION = "major_revision", _("Major revision")
    REJECT = "reject", pgettext_lazy("recommendation", "Reject")


class ReviewState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("review", "Submitted")


class Confidence(models.IntegerChoices):
    LOW = 1, _("Low: an informed outsider")
    MEDIUM = 2, _("Medium: knows the area")
    HIGH = 3, _("High: an expert of the topic")


class Outcome(models.TextChoices):
    """A final decision recorded by the chair (pending until released to the authors)."""

    ACCEPT_ORAL = "accept_oral", _("Accept as an oral presentation")
    ACCEPT_POSTER = "accept_poster", _("Accept as a poster")
    REVISION = "revision", _("Ask for a revision")
    REJECT = "reject", pgettext_lazy("recommendation", "Reject")
