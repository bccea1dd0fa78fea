"""Where apps that build on ``submissions`` add to its pages without being imported by it.

``AUTHOR_SECTIONS``: functions ``section(request, submission)`` that return ``None`` or
``(template name, context)``; the author's page of a submission shows each returned section
below the files (``reviewing`` adds the released decision and the reviewers' comments).
"""

AUTHOR_SECTIONS = []


def register_author_section(function):
    if function not in AUTHOR_SECTIONS:
        AUTHOR_SECTIONS.append(function)
    return function


def author_sections(request, submission):
    sections = []
    for function in AUTHOR_SECTIONS:
        section = function(request, submission)
        if section is not None:
            sections.append({"template": section[0], **section[1]})
    return sections
