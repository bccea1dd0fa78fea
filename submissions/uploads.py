"""Uploads streamed with a size bound: Django writes each file to a temporary file chunk by chunk
(never the whole file in memory), and ``SizeLimitedUploadHandler`` stops reading the request as
soon as a file passes the limit, so an oversized upload costs neither memory nor disk.

Views that accept files install the handler before anything reads ``request.POST`` — hence they
are ``csrf_exempt`` and check the token themselves afterwards (``accepting_uploads``).
"""

import functools

from django.core.files.uploadhandler import FileUploadHandler, StopUpload, TemporaryFileUploadHandler
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class SizeLimitedUploadHandler(FileUploadHandler):
    """Passes chunks on until one file exceeds ``max_size`` bytes; then marks the request
    (``request.upload_too_large``) and stops the upload. Fields before the file are kept."""

    def __init__(self, request, max_size):
        super().__init__(request)
        self.max_size = max_size
        request.upload_too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_size:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def accepting_uploads(max_size_for):
    """Decorate a view so its files stream to temporary files, bounded by
    ``max_size_for(request, **kwargs)`` bytes (``None``: no bound but the server's). The CSRF
    check runs after the handlers are installed."""

    def decorator(view):
        protected = csrf_protect(view)

        @functools.wraps(view)
        @csrf_exempt
        def wrapped(request, *args, **kwargs):
            request.upload_too_large = False
            if request.method == "POST":
                max_size = max_size_for(request, **kwargs)
                handlers = [TemporaryFileUploadHandler(request)]
                if max_size is not None:
                    handlers.insert(0, SizeLimitedUploadHandler(request, max_size))
                request.upload_handlers = handlers
            return protected(request, *args, **kwargs)

        return wrapped

    return decorator
