import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import translation

from cms.accounts.models import EmailConfirmation

PASSWORD = "secret-pass-123"
NEW_PASSWORD = "Blue-Lantern-47"


def url(name, *, language="en", query="", **kwargs):
    with translation.override(language):
        return reverse(f"accounts:{name}", kwargs=kwargs) + query


def text(response):
    """The visible text of a page, whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def links_in(message):
    return re.findall(r"https?://\S+", message.body)


def local(link):
    """The path and query of an absolute link from a mail."""
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run a request with the mail queue's after-commit delivery, so mail lands in the outbox."""

    def run(request, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(*args, **kwargs)

    return run


@pytest.fixture
def account(user_factory):
    """A confirmed attendee who reads English."""
    return user_factory(email="wang.fang@example.edu.cn", preferred_language="en", name_zh="王芳")


@pytest.fixture
def unconfirmed(user_factory):
    """An attendee who signed up but has not followed the link yet."""
    user = user_factory(email="new.person@example.org", preferred_language="en", is_active=False)
    EmailConfirmation.objects.create(user=user)
    return user
