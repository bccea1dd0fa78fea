"""Helpers for streamed test responses."""

from django.core.signals import request_finished
from django.db import close_old_connections


def read_and_close(response):
    """The body of ``response`` (streamed or not), after which the response (and its file) is
    closed. Closing a response ends the request, which would close the test's database
    connection, so that reaction is suspended meanwhile."""
    try:
        return b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
