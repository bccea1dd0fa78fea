"""Files of submissions, judged by their content: the name and the browser's claimed type are
ignored. PDF by its header; Word only as a real DOCX package (a ZIP holding
``word/document.xml``), never the old binary format."""

import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from submissions.enums import FileType

NAME_MAX_LENGTH = 200
SUPPLEMENTARY_TYPES = {FileType.PDF, FileType.WORD, FileType.ZIP}


def sniff_file_type(uploaded):
    """The ``FileType`` of ``uploaded`` by its content, or ``None``."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return FileType.PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            uploaded.seek(0)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return FileType.WORD
        return FileType.ZIP
    return None


def clean_file_name(name):
    """The name the author gave, safe to show and to offer as a download name: no directories,
    no control or bidirectional-override characters, at most 200 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: NAME_MAX_LENGTH - len(extension) - 1] + dot + extension) if dot else name[:NAME_MAX_LENGTH]
    return name or "file"


def check_file(uploaded, *, allowed, max_size):
    """The ``FileType`` of an acceptable upload, or ``ValidationError`` with a code: ``empty``,
    ``file_too_large`` or ``file_type``."""
    if not uploaded.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if uploaded.size > max_size:
        raise ValidationError(
            _("The file is too large: at most %(size)d MB.") % {"size": max_size // 1024 // 1024},
            code="file_too_large",
        )
    file_type = sniff_file_type(uploaded)
    if file_type not in allowed:
        names = ", ".join(str(FileType(kind).label) for kind in sorted(allowed))
        raise ValidationError(
            _("Please upload a file of one of these types: %(types)s.") % {"types": names}, code="file_type"
        )
    return file_type
