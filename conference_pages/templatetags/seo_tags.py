"""The head data of the page being rendered, for ``themes/components/seo_head.html``."""

from django import template
from wagtail.models import Page

from conference_pages.seo import page_meta

register = template.Library()


@register.simple_tag(takes_context=True)
def page_seo(context):
    """``PageMeta`` of the context's Wagtail ``page``; ``None`` when there is none (404, search)
    or the page is shown as the prompt of a page for attendees only (its description is hidden)."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page) or request is None or context.get("audience_prompt"):
        return None
    return page_meta(page, request=request, conference=context.get("conference"))
