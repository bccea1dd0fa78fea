"""The review screens of the Wagtail admin: the reviewer's panel (``panel``) and the chair's tools
(``chair``)."""
