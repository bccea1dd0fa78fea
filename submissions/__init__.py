"""Submissions: topics, the abstract and full-paper phases with their deadlines, submissions with
their authors, files and revisions, and the state machine that ``reviewing`` drives.

Where to look:

* ``enums``      ``SubmissionState`` and its transition table, phases, late-work policy,
                 presentation types, kinds of file
* ``models``     ``SubmissionSettings`` (one per conference), ``Topic``, ``Submission``,
                 ``Author``, ``SubmissionFile`` (every revision kept)
* ``services``   every write: ``submitting`` (drafts, edits, submit, files, withdraw),
                 ``decisions`` (review and final decisions, one function per change), ``windows``
                 (deadlines in the conference's time zone), ``files`` (checks by content)
* ``signals``    ``submission_created``, ``submission_state_changed``, ``submission_file_added``
"""
