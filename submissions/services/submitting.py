"""What authors do: start a draft, edit it, submit it, add files and revisions, withdraw.

Every function takes the acting ``user`` and checks that the submission may still change (not
after the final decision). Problems with the input are ``ValidationError`` keyed by field name
(``authors`` for the list of authors); deadlines, the per-person limit and locked submissions are
``SubmissionError`` subclasses. Nothing is saved half-way: each function is one transaction.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries
from wagtail.log_actions import log

from cms.accounts.services import find_or_create_account
from submissions.enums import (
    ACCEPTED_STATES,
    COUNTED_STATES,
    FileKind,
    Phase,
    PresentationType,
    SubmissionState,
)
from submissions.exceptions import SubmissionLimitReached, SubmissionLocked
from submissions.models import (
    ABSTRACT_MAX_LENGTH,
    KEYWORDS_MAX_LENGTH,
    MAX_AUTHORS,
    TITLE_MAX_LENGTH,
    Author,
    Submission,
    SubmissionFile,
    SubmissionSettings,
    Topic,
)
from submissions.services import notifications
from submissions.services.files import SUPPLEMENTARY_TYPES, check_file, clean_file_name
from submissions.services.transitions import lock, transition
from submissions.services.windows import check_phase_open, submission_settings_for
from submissions.signals import submission_created, submission_file_added

FIELDS = ("title_zh", "title_en", "abstract", "keywords", "topic", "presentation_preference")


# Input -----------------------------------------------------------------------------------------


def clean_submission_data(settings_row, data):
    """The submission's own fields from ``data``, checked; ``ValidationError`` keyed by field."""
    errors = {}
    cleaned = {}
    for name, limit in (("title_zh", TITLE_MAX_LENGTH), ("title_en", TITLE_MAX_LENGTH)):
        cleaned[name] = " ".join(str(data.get(name) or "").split())
        if len(cleaned[name]) > limit:
            errors[name] = ValidationError(_("At most %(limit)d characters.") % {"limit": limit}, code="max_length")
    if not cleaned["title_zh"] and not cleaned["title_en"]:
        errors["title_zh"] = ValidationError(_("Please give a title in Chinese, in English or both."), code="required")
    cleaned["abstract"] = str(data.get("abstract") or "").strip()
    if not cleaned["abstract"]:
        errors["abstract"] = ValidationError(_("Please give the abstract."), code="required")
    elif len(cleaned["abstract"]) > ABSTRACT_MAX_LENGTH:
        errors["abstract"] = ValidationError(
            _("At most %(limit)d characters.") % {"limit": ABSTRACT_MAX_LENGTH}, code="max_length"
        )
    cleaned["keywords"] = " ".join(str(data.get("keywords") or "").split())
    if len(cleaned["keywords"]) > KEYWORDS_MAX_LENGTH:
        errors["keywords"] = ValidationError(
            _("At most %(limit)d characters.") % {"limit": KEYWORDS_MAX_LENGTH}, code="max_length"
        )
    topic = data.get("topic")
    topics = Topic.objects.filter(conference=settings_row.conference, active=True)
    if topic in (None, ""):
        cleaned["topic"] = None
        if topics.exists():
            errors["topic"] = ValidationError(_("Please choose a topic."), code="required")
    else:
        topic_pk = topic.pk if isinstance(topic, Topic) else topic
        cleaned["topic"] = topics.filter(pk=topic_pk).first() if str(topic_pk).isdigit() else None
        if cleaned["topic"] is None:
            errors["topic"] = ValidationError(_("Please choose one of the topics offered."), code="invalid_choice")
    preference = data.get("presentation_preference") or settings_row.presentation_types
    offered = settings_row.presentation_types
    allowed = set(PresentationType) if offered == PresentationType.EITHER else {offered}
    if preference not in allowed:
        errors["presentation_preference"] = ValidationError(
            _("Please choose one of the presentation types offered."), code="invalid_choice"
        )
    cleaned["presentation_preference"] = preference
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_authors(authors):
    """The ordered list of authors, checked: ``[{"name", "email", "affiliation", "country",
    "presenting", "corresponding"}, …]``. At least one, at most ``MAX_AUTHORS``; when nobody is
    marked corresponding, the first author is. ``ValidationError`` under ``authors``."""
    authors = list(authors or [])
    if not authors:
        raise ValidationError({"authors": ValidationError(_("Please name at least one author."), code="required")})
    if len(authors) > MAX_AUTHORS:
        raise ValidationError(
            {"authors": ValidationError(_("At most %(limit)d authors.") % {"limit": MAX_AUTHORS}, code="max_authors")}
        )
    cleaned, problems = [], []
    for number, author in enumerate(authors, start=1):
        name = " ".join(str(author.get("name") or "").split())[:200]
        email = str(author.get("email") or "").strip().lower()
        affiliation = " ".join(str(author.get("affiliation") or "").split())[:255]
        country = str(author.get("country") or "").upper()
        if not name:
            problems.append(_("Author %(number)d: please give the name.") % {"number": number})
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("Author %(number)d: please give a valid email address.") % {"number": number})
        if country and country not in countries:
            problems.append(_("Author %(number)d: please choose a country from the list.") % {"number": number})
        cleaned.append(
            {
                "name": name,
                "email": email,
                "affiliation": affiliation,
                "country": country,
                "presenting": bool(author.get("presenting")),
                "corresponding": bool(author.get("corresponding")),
            }
        )
    emails = [author["email"] for author in cleaned]
    if len(set(emails)) != len(emails):
        problems.append(_("Each author needs their own email address."))
    if problems:
        raise ValidationError({"authors": [ValidationError(problem, code="invalid") for problem in problems]})
    if not any(author["corresponding"] for author in cleaned):
        cleaned[0]["corresponding"] = True
    return cleaned


def _save_authors(submission, authors):
    submission.authors.all().delete()
    Author.objects.bulk_create(Author(submission=submission, position=n, **a) for n, a in enumerate(authors, 1))


# Helpers ---------------------------------------------------------------------------------------


def first_phase(settings_row):
    """The phase a new submission starts in: the abstract phase, or the full-paper phase when the
    conference takes full papers only."""
    if settings_row.abstract_enabled or not settings_row.full_paper_enabled:
        return Phase.ABSTRACT
    return Phase.FULL_PAPER


def _check_limit(settings_row, user, *, excluding=None):
    if settings_row.max_per_person is None:
        return
    taken = Submission.objects.filter(conference=settings_row.conference, submitter=user, state__in=COUNTED_STATES)
    if excluding is not None:
        taken = taken.exclude(pk=excluding.pk)
    if taken.count() >= settings_row.max_per_person:
        raise SubmissionLimitReached(
            _("You have reached the limit of %(limit)d submissions per person for this conference.")
            % {"limit": settings_row.max_per_person}
        )


def check_may_start(*, conference, user, at=None):
    """Raise what ``start_submission`` would raise before any input: the phase is not open
    (``PhaseClosed``/``DeadlinePassed``) or the person is at the limit."""
    settings_row = submission_settings_for(conference)
    check_phase_open(settings_row, first_phase(settings_row), at=at)
    _check_limit(settings_row, user)


def _require_editable(submission):
    if submission.is_final:
        raise SubmissionLocked()
    if not submission.is_editable:
        raise SubmissionLocked(
            _("This submission is %(state)s and can no longer be changed.")
            % {"state": SubmissionState(submission.state).label.lower()}
        )


def _locked_settings(conference):
    submission_settings_for(conference)
    return SubmissionSettings.objects.select_for_update().select_related("conference").get(conference=conference)


def _new_code(settings_row):
    """The next code of the conference (``NCIC2027-0001``…), under the settings row's lock."""
    prefix = settings_row.conference.code_prefix
    count = Submission.objects.filter(conference=settings_row.conference).count()
    number = count + 1
    while Submission.objects.filter(conference=settings_row.conference, code=f"{prefix}-{number:04d}").exists():
        number += 1
    return f"{prefix}-{number:04d}"


# Services --------------------------------------------------------------------------------------


@transaction.atomic
def start_submission(*, conference, user, data, authors, language=None, at=None):
    """A draft by ``user``: title(s), abstract, keywords, topic, preferred presentation and
    authors. Its phase must be open (late work as the settings say) and the person under the
    limit.

    Side effects: an audit entry, ``submission_created``.
    """
    settings_row = _locked_settings(conference)
    phase = first_phase(settings_row)
    check_phase_open(settings_row, phase, at=at)
    _check_limit(settings_row, user)
    cleaned = clean_submission_data(settings_row, data)
    cleaned_authors = clean_authors(authors)
    now = timezone.now()
    submission = Submission.objects.create(
        conference=conference,
        code=_new_code(settings_row),
        submitter=user,
        phase=phase,
        language=language or getattr(user, "preferred_language", "") or "zh-hans",
        created_at=now,
        updated_at=now,
        **cleaned,
    )
    _save_authors(submission, cleaned_authors)
    log(instance=submission, action="flock.submission.create", user=user)
    submission_created.send(sender=Submission, submission=submission, user=user)
    return submission


@transaction.atomic
def import_invited_submission(*, conference, by_staff, data, authors, language=None):
    """An invited abstract entered by the organizers: submitted at once (no deadline, no
    per-person limit), marked invited, in the name of its corresponding author, whose account is
    opened (inactive, unconfirmed) when they have none, so they can follow and change it.

    Side effects: an audit entry by ``by_staff`` (``flock.submission.import``),
    ``submission_created``, ``submission_state_changed``; no mail (the organizers write to their
    invited speakers themselves). ``ValidationError`` keyed by field, ``authors`` for the list.
    """
    settings_row = _locked_settings(conference)
    cleaned = clean_submission_data(settings_row, data)
    cleaned_authors = clean_authors(authors)
    corresponding = next(author for author in cleaned_authors if author["corresponding"])
    names = corresponding["name"].split()
    submitter, _opened = find_or_create_account(
        email=corresponding["email"],
        details={
            "name_zh": corresponding["name"] if not corresponding["name"].isascii() else "",
            "first_name": " ".join(names[:-1]) if corresponding["name"].isascii() else "",
            "last_name": names[-1] if corresponding["name"].isascii() and names else "",
            "affiliation": corresponding["affiliation"],
            "country": corresponding["country"],
        },
        language=language,
        by_staff=by_staff,
        action="flock.submission.account",
    )
    now = timezone.now()
    submission = Submission.objects.create(
        conference=conference,
        code=_new_code(settings_row),
        submitter=submitter,
        phase=first_phase(settings_row),
        language=language or conference.default_language,
        invited=True,
        created_at=now,
        updated_at=now,
        **cleaned,
    )
    _save_authors(submission, cleaned_authors)
    log(instance=submission, action="flock.submission.import", user=by_staff)
    submission_created.send(sender=Submission, submission=submission, user=by_staff)
    submission.submitted_at = now
    transition(
        submission, SubmissionState.SUBMITTED, action="flock.submission.submit", user=by_staff, fields=["submitted_at"]
    )
    return submission


@transaction.atomic
def update_submission(*, submission, user, data=None, authors=None):
    """The author changes the submission (any of its fields, or the authors) until the final
    decision. Side effects: an audit entry with the names of the changed fields."""
    submission = lock(submission)
    _require_editable(submission)
    settings_row = submission_settings_for(submission.conference)
    changed = []
    if data is not None:
        current = {name: getattr(submission, name) for name in FIELDS}
        cleaned = clean_submission_data(settings_row, {**current, **data})
        for name, value in cleaned.items():
            if getattr(submission, name) != value:
                setattr(submission, name, value)
                changed.append(name)
    if authors is not None:
        cleaned_authors = clean_authors(authors)
        existing = list(
            submission.authors.values("name", "email", "affiliation", "country", "presenting", "corresponding")
        )
        if existing != cleaned_authors:
            _save_authors(submission, cleaned_authors)
            changed.append("authors")
    if changed:
        submission.updated_at = timezone.now()
        submission.save(update_fields=[*[name for name in changed if name != "authors"], "updated_at"])
        log(instance=submission, action="wagtail.edit", user=user, data={"fields": changed})
    return submission


@transaction.atomic
def submit_submission(*, submission, user, at=None):
    """The author submits a draft (its phase must be open, or late work accepted; the per-person
    limit holds) or resubmits after a revision was requested (no deadline: the chair asked). A
    full-paper-only conference needs the paper first.

    Side effects: an audit entry, ``submission_state_changed``, a confirmation mail to the authors
    (``notifications.notify_received``).
    """
    submission = lock(submission)
    settings_row = submission_settings_for(submission.conference)
    late = submission.late
    if submission.state == SubmissionState.DRAFT:
        late = check_phase_open(settings_row, submission.phase, at=at)
        _check_limit(settings_row, submission.submitter, excluding=submission)
        if submission.phase == Phase.FULL_PAPER and not submission.files.filter(kind=FileKind.PAPER).exists():
            raise ValidationError({"file": ValidationError(_("Please upload the paper first."), code="required")})
    submission.late = late
    submission.submitted_at = at or timezone.now()
    transition(
        submission,
        SubmissionState.SUBMITTED,
        action="flock.submission.submit",
        user=user,
        fields=["late", "submitted_at"],
    )
    notifications.notify_received(submission=submission)
    return submission


@transaction.atomic
def add_file(*, submission, user, uploaded, kind=FileKind.PAPER, at=None):
    """Store ``uploaded`` as the next version of the submission's ``kind`` of file.

    * the paper: until the final decision. The first paper of the full-paper phase needs that
      phase open (when the conference has one); revisions of it, and any file while a revision
      is requested, do not;
    * a supplementary file: until the final decision (PDF, DOCX or ZIP);
    * the camera-ready version: only for accepted work, while that phase is open.

    Checked by content and size (the phase's limit). Side effects: an audit entry,
    ``submission_file_added`` and, unless the submission is a draft, a confirmation mail to the
    authors (``notifications.notify_file_added``). Returns the ``SubmissionFile``.
    """
    submission = lock(submission)
    settings_row = submission_settings_for(submission.conference)
    kind = FileKind(kind)
    if kind == FileKind.CAMERA_READY:
        if submission.state not in ACCEPTED_STATES:
            raise SubmissionLocked(_("The camera-ready version is for accepted work only."))
        check_phase_open(settings_row, Phase.CAMERA_READY, at=at)
        phase, allowed = Phase.CAMERA_READY, settings_row.paper_types()
    else:
        _require_editable(submission)
        phase = Phase.FULL_PAPER if settings_row.full_paper_enabled else Phase.ABSTRACT
        allowed = settings_row.paper_types() if kind == FileKind.PAPER else SUPPLEMENTARY_TYPES
        first_paper = kind == FileKind.PAPER and not submission.files.filter(kind=kind, phase=phase).exists()
        if first_paper and settings_row.full_paper_enabled and submission.state != SubmissionState.REVISION_REQUESTED:
            check_phase_open(settings_row, Phase.FULL_PAPER, at=at)
    size_phase = Phase.ABSTRACT if phase == Phase.ABSTRACT else Phase.FULL_PAPER
    try:
        file_type = check_file(uploaded, allowed=allowed, max_size=settings_row.max_size(size_phase))
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    revision = (submission.files.filter(kind=kind).aggregate(latest=Max("revision"))["latest"] or 0) + 1
    original_name = clean_file_name(uploaded.name)
    stored = SubmissionFile(
        submission=submission,
        kind=kind,
        phase=phase,
        revision=revision,
        original_name=original_name,
        file_type=file_type,
        size=uploaded.size,
        uploaded_by=user,
        uploaded_at=at or timezone.now(),
    )
    stored.file.save(f"upload.{file_type}", uploaded, save=False)
    try:
        stored.save()
        if phase == Phase.FULL_PAPER and submission.phase == Phase.ABSTRACT and kind == FileKind.PAPER:
            submission.phase = Phase.FULL_PAPER
        submission.updated_at = timezone.now()
        submission.save(update_fields=["phase", "updated_at"])
        log(
            instance=submission,
            action="flock.submission.file",
            user=user,
            data={"kind": kind, "revision": revision, "name": original_name},
        )
        submission_file_added.send(sender=Submission, submission=submission, file=stored, user=user)
        if submission.state != SubmissionState.DRAFT:
            notifications.notify_file_added(submission=submission, stored_file=stored)
    except Exception:
        stored.file.delete(save=False)  # nothing half-saved: no file without its row
        raise
    return stored


@transaction.atomic
def withdraw_submission(*, submission, user):
    """The author withdraws the submission, at any time before the final decision.

    Side effects: an audit entry, ``submission_state_changed``.
    """
    submission = lock(submission)
    if submission.is_final:
        raise SubmissionLocked()
    submission.withdrawn_at = timezone.now()
    return transition(
        submission, SubmissionState.WITHDRAWN, action="flock.submission.withdraw", user=user, fields=["withdrawn_at"]
    )
