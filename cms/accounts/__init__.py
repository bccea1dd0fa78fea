"""Attendee accounts: one per person for every conference on the platform.

Sign-up with a confirmed address, log-in by email (slowed, then locked after repeated failures,
by django-axes), log-out, password reset and change, and the profile that prefills every
registration (``services.profile_initial``). Pages live under ``/<language>/_account/`` and are
drawn in the layout of the conference the visitor came from, else in the portal's.
"""
