"""Review: reviewers and their expertise, reviewer groups, conflicts of interest (declared and
detected), and the assignment of submissions to reviewers (by hand, in bulk, automatically with a
min-cost flow and a preview).

Where to look:

* ``enums``      states and kinds
* ``models``     ``Reviewer`` (one per person and conference), ``ReviewerGroup`` and the
                 submissions put in it, ``Conflict``, ``Assignment``
* ``services``   every write: ``reviewers`` (inviting, answering), ``groups``, ``conflicts``
                 (detecting, declaring, dismissing), ``assignments`` (by hand, in bulk, the
                 automatic plan and applying it), ``optimiser`` (the flow network, no Django)
* ``selectors``  who is eligible, what a reviewer may see
"""
