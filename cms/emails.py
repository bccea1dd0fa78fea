"""The kinds of message Flock sends, and how one is rendered in its recipient's language.

Each kind has a built-in wording in ``templates/emails/<key>/subject.txt`` and ``body.txt``
(translated with gettext), which a conference may override with an ``EmailTemplate`` row per
language. Bodies are plain text; the HTML part is the same text in the shared mail layout.
"""

from dataclasses import dataclass, field

from django.template import Context, Template
from django.template.loader import get_template, render_to_string
from django.utils import translation

from cms.i18n import language_suffix

MESSAGES = {}


@dataclass(frozen=True)
class MessageKind:
    key: str
    label: str
    placeholders: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def register_message(key, label, placeholders=()):
    MESSAGES[key] = MessageKind(key=key, label=label, placeholders=tuple(placeholders))
    return MESSAGES[key]


def render_message(*, key, language, context, conference=None):
    """Render message ``key`` in ``language``; a conference's own wording wins when it has one."""
    if key not in MESSAGES:
        raise KeyError(f"Unknown message kind {key!r}.")
    context = {"conference": conference, **context}
    with translation.override(language):
        subject, text = _custom_wording(key, language, conference, context) or _default_wording(key, context)
        subject = " ".join(subject.split())
        html = render_to_string("emails/layout.html", {**context, "subject": subject, "text": text})
    return RenderedMessage(subject=subject, text=text, html=html)


def _default_wording(key, context):
    subject = _render_plain(f"emails/{key}/subject.txt", context)
    text = _render_plain(f"emails/{key}/body.txt", context).strip() + "\n"
    return subject, text


def _render_plain(name, context):
    """A plain-text template, unescaped: a link keeps its ``&`` and a name its apostrophe (the
    HTML layout escapes the text once)."""
    return get_template(name).template.render(Context(context, autoescape=False))


def _custom_wording(key, language, conference, context):
    if conference is None:
        return None
    suffix = language_suffix(language)
    row = conference.email_templates.filter(key=key).first()
    if row is None:
        return None
    subject, body = getattr(row, f"subject_{suffix}"), getattr(row, f"body_{suffix}")
    if not subject.strip() or not body.strip():
        return None
    template_context = Context(context, autoescape=False)
    return Template(subject).render(template_context), Template(body).render(template_context).strip() + "\n"


register_message(
    "cms.role_granted",
    label="A person was given a role in a conference",
    placeholders=("recipient", "conference", "role", "admin_url"),
)
