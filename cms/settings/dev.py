"""Local development and the demo: mail printed to the console, static files from the apps.

DEBUG stays off unless asked for (``DEBUG=1``), so that the demo shows the themed error pages.
"""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
SERVE_MEDIA = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise expects it to exist
