"""Banners, the home page slideshow and the strip of partner and sponsor logos."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

BANNER_MIN_WIDTH = 1200
BANNER_HELP = _("A wide image, at least 1200 pixels wide; 1920 × 480 looks best. Wider images are cropped to fit.")
SLIDE_MIN_WIDTH = 1000


def validate_min_width(image, minimum, field):
    if image is not None and image.width < minimum:
        raise ValidationError(
            {
                field: _("This image is %(width)s pixels wide; use one at least %(minimum)s pixels wide.")
                % {"width": image.width, "minimum": minimum}
            }
        )


class BannerFields(models.Model):
    """A header banner; a column's banner overrides the conference's on its pages."""

    banner = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("banner"),
        help_text=BANNER_HELP,
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        validate_min_width(self.banner, BANNER_MIN_WIDTH, "banner")


class HomeSlide(Orderable):
    page = ParentalKey("conference_pages.ConferenceHomePage", on_delete=models.CASCADE, related_name="slides")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("link to a page"),
    )
    link_url = models.URLField(_("or an address"), blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption"), FieldPanel("link_page"), FieldPanel("link_url")]

    class Meta(Orderable.Meta):
        verbose_name = _("slide")
        verbose_name_plural = _("slides")

    def clean(self):
        super().clean()
        if self.link_page_id and self.link_url:
            raise ValidationError({"link_url": _("Choose a page or enter an address, not both.")})
        if self.image_id:
            validate_min_width(self.image, SLIDE_MIN_WIDTH, "image")


class Partner(Orderable):
    page = ParentalKey("conference_pages.ConferenceHomePage", on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    logo = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("logo"))
    url = models.URLField(_("website"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("logo"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("partner or sponsor")
        verbose_name_plural = _("partners and sponsors")
