"""The content blocks an organizer composes articles and pages from."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]

# Video hosts whose players may be embedded, and how a page address becomes a player address.
VIDEO_PLAYERS = [
    (
        re.compile(r"^https://(?:www\.)?bilibili\.com/video/(BV[0-9A-Za-z]{10})"),
        "https://player.bilibili.com/player.html?bvid={}&autoplay=0",
    ),
    (re.compile(r"^https://(?:www\.)?youtube\.com/watch\?v=([\w-]{11})"), "https://www.youtube-nocookie.com/embed/{}"),
    (re.compile(r"^https://youtu\.be/([\w-]{11})"), "https://www.youtube-nocookie.com/embed/{}"),
    (
        re.compile(r"^https://v\.qq\.com/x/(?:cover/\w+|page)/(\w+)\.html"),
        "https://v.qq.com/txp/iframe/player.html?vid={}",
    ),
]


def video_player_url(address):
    for pattern, player in VIDEO_PLAYERS:
        match = pattern.match(address or "")
        if match:
            return player.format(match.group(1))
    return None


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)
    alt_text = blocks.CharBlock(
        label=_("Description for screen readers"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the image's title."),
    )

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "conference_pages/blocks/image.html"


class ImportantDateBlock(blocks.StructBlock):
    date = blocks.DateBlock(label=_("Date"))
    label = blocks.CharBlock(label=_("What happens"), max_length=120)
    note = blocks.CharBlock(label=_("Note"), required=False, max_length=200)


class ImportantDatesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    dates = blocks.ListBlock(ImportantDateBlock(), label=_("Dates"), min_num=1)

    class Meta:
        icon = "date"
        label = _("Important dates")
        template = "conference_pages/blocks/important_dates.html"


class CommitteeMemberBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=100)
    affiliation = blocks.CharBlock(label=_("Affiliation"), required=False, max_length=200)
    role = blocks.CharBlock(label=_("Position"), required=False, max_length=100)


class CommitteeBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Committee"), max_length=120)
    members = blocks.ListBlock(CommitteeMemberBlock(), label=_("Members"), min_num=1)

    class Meta:
        icon = "group"
        label = _("Committee list")
        template = "conference_pages/blocks/committee.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=200)
    button = blocks.CharBlock(label=_("Button label"), max_length=40)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Or an address"), required=False)

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "conference_pages/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose a page or enter an address, not both."))}
            )
        return value


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(
        label=_("Video address"),
        help_text=_("A Bilibili, Tencent Video or YouTube page, e.g. https://www.bilibili.com/video/BV…"),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "media"
        label = _("Embedded video")
        template = "conference_pages/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if video_player_url(value.get("url")) is None:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Use the address of a Bilibili, Tencent Video or YouTube video."))
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["player_url"] = video_player_url(value.get("url"))
        return context


class FeaturedGuestsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    speakers = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="conference_pages.SpeakerPage", label=_("Speaker")),
        label=_("Speakers"),
        min_num=1,
    )

    class Meta:
        icon = "user"
        label = _("Featured guests")
        template = "conference_pages/blocks/featured_guests.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    image = ImageWithCaptionBlock()
    table = TableBlock(label=_("Table"), template="conference_pages/blocks/table.html")
    important_dates = ImportantDatesBlock()
    committee = CommitteeBlock()
    call_to_action = CallToActionBlock()
    video = VideoBlock()
    featured_guests = FeaturedGuestsBlock()
    document = DocumentChooserBlock(label=_("Document"), template="conference_pages/blocks/document.html")

    class Meta:
        label = _("Content")
