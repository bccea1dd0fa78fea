from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewingConfig(AppConfig):
    name = "reviewing"
    verbose_name = _("Review")
