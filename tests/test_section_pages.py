import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Locale

from conference_pages.blocks import ArticleBodyBlock, CallToActionBlock, VideoBlock, video_player_url
from conference_pages.models import (
    ArticlePage,
    ColumnPage,
    ConferenceHomePage,
    ContactPage,
    DownloadsPage,
    FlockFeature,
    LinkPage,
    NewsIndexPage,
    NewsPage,
    SpeakerPage,
    SpeakersIndexPage,
)
from conference_pages.services import add_page, translate_page

pytestmark = pytest.mark.django_db


def home(conference, language="zh-hans"):
    return ConferenceHomePage.objects.get(conference=conference, locale__language_code=language)


def english():
    return Locale.objects.get(language_code="en")


def make_image(title="portrait"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 300), (30, 90, 160)).save(buffer, "PNG")
    return Image.objects.create(title=title, file=ContentFile(buffer.getvalue(), name=f"{title}.png"))


@pytest.fixture
def news_index(conference):
    index = add_page(home(conference), NewsIndexPage(title="会议新闻", slug="news", locale=home(conference).locale))
    translate_page(index, english(), title="News")
    return index


def add_news(index, number, *, pinned=False, date=None):
    item = NewsPage(
        title=f"新闻{number}",
        slug=f"news-{number}",
        date=date or datetime.date(2027, 1, 1) + datetime.timedelta(days=number),
        summary=f"摘要{number}",
        pinned=pinned,
        locale=index.locale,
    )
    return add_page(index, item)


@pytest.mark.smoke
def test_news_index_lists_items_newest_first_with_pages(client, news_index):
    for number in range(12):
        add_news(news_index, number)

    first = client.get("/zh-hans/ncic2027/news/").content.decode()
    second = client.get("/zh-hans/ncic2027/news/?page=2").content.decode()

    assert first.index("新闻11") < first.index("新闻2")
    assert "新闻1<" not in first and "新闻0<" not in first
    assert "新闻1<" in second and "新闻0<" in second
    assert client.get("/zh-hans/ncic2027/news/?page=abc").status_code == 200


def test_home_shows_newest_pinned_news_only(client, conference, news_index):
    for number in range(7):
        add_news(news_index, number, pinned=True)
    add_news(news_index, 99, pinned=False)

    html = client.get("/zh-hans/ncic2027/").content.decode()

    pinned = html.split('class="news-list"', 1)[1].split("</ul>", 1)[0]
    assert [f"新闻{n}" for n in (6, 5, 4, 3, 2)] == [t for t in (f"新闻{n}" for n in range(10)) if t in pinned][::-1]
    assert "新闻1<" not in pinned and "新闻99" not in pinned


@pytest.mark.parametrize("news_count", [5, 50])
def test_home_query_count_does_not_grow_with_news(client, conference, news_index, news_count):
    for number in range(news_count):
        add_news(news_index, number, pinned=True)
    client.get("/zh-hans/ncic2027/")

    with CaptureQueriesContext(connection) as queries:
        client.get("/zh-hans/ncic2027/")

    assert len(queries) == 6


@pytest.fixture
def speakers(conference):
    index = add_page(
        home(conference), SpeakersIndexPage(title="特邀嘉宾", slug="speakers", locale=home(conference).locale)
    )
    translate_page(index, english(), title="Speakers")
    keynote = add_page(
        index,
        SpeakerPage(
            title="周涛",
            slug="zhou-tao",
            kind="keynote",
            academic_title="院士",
            affiliation="清华大学",
            talk_title="面向科学发现的智能计算",
            featured=True,
            photo=make_image(),
            locale=index.locale,
        ),
    )
    invited = add_page(
        index,
        SpeakerPage(
            title="Maria Rossi",
            slug="maria-rossi",
            kind="invited",
            affiliation="Politecnico di Milano",
            locale=index.locale,
        ),
    )
    translate_page(
        keynote, english(), title="Tao Zhou", academic_title="Academician", affiliation="Tsinghua University"
    )
    return index, keynote, invited


def test_speakers_index_groups_keynote_and_invited(client, speakers):
    html = client.get("/zh-hans/ncic2027/speakers/").content.decode()

    keynotes, invited = html.split("特邀报告人", 1)[1].split("邀请报告人", 1)
    assert "周涛" in keynotes and "Maria Rossi" not in keynotes
    assert "Maria Rossi" in invited


def test_featured_speakers_show_on_home_with_photo(client, speakers):
    html = client.get("/en/ncic2027/").content.decode()

    cards = html.split('class="speaker-cards"', 1)[1].split("</ul>", 1)[0]
    assert "Tao Zhou" in cards and "Academician · Tsinghua University" in cards
    assert "Maria Rossi" not in cards
    assert 'class="speaker-photo"' in cards


def test_featured_speaker_photos_cost_no_query_once_warm(client, speakers):
    client.get("/en/ncic2027/")  # the first view makes the renditions and caches the list

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/en/ncic2027/").content.decode()

    assert 'class="speaker-photo"' in html
    assert [q["sql"] for q in queries.captured_queries if "wagtailimages" in q["sql"]] == []


def test_speaker_page_renders_in_both_languages(client, speakers):
    zh = client.get("/zh-hans/ncic2027/speakers/zhou-tao/").content.decode()
    en = client.get("/en/ncic2027/speakers/zhou-tao/").content.decode()

    assert '<h1 class="page-title">周涛</h1>' in zh and "面向科学发现的智能计算" in zh
    assert '<h1 class="page-title">Tao Zhou</h1>' in en


def test_contact_page_shows_people_and_links(client, conference):
    page = ContactPage(
        title="会务组",
        slug="office",
        address="上海市杨浦区邯郸路220号",
        phone="021 6564 0000",
        email="office@example.org",
        map_url="https://map.example.org/venue",
        people=[
            {
                "type": "person",
                "value": {"name": "刘老师", "role": "注册", "phone": "138 0000 0000", "email": "liu@example.org"},
            }
        ],
        locale=home(conference).locale,
    )
    add_page(home(conference), page)

    html = client.get("/zh-hans/ncic2027/office/").content.decode()

    assert 'href="tel:02165640000"' in html
    assert 'href="mailto:liu@example.org"' in html
    assert "刘老师" in html and 'href="https://map.example.org/venue"' in html


def test_downloads_page_links_documents(client, conference):
    document = Document.objects.create(title="论文模板", file=ContentFile(b"%PDF-1.4 template", name="template.pdf"))
    page = DownloadsPage(
        title="资料下载",
        slug="downloads",
        locale=home(conference).locale,
        documents=[
            {"type": "document", "value": {"document": document.pk, "title": "", "description": "LaTeX 与 Word 模板"}}
        ],
    )
    add_page(home(conference), page)

    html = client.get("/zh-hans/ncic2027/downloads/").content.decode()

    assert f'href="{document.url}"' in html
    assert "论文模板" in html and "PDF" in html and "LaTeX 与 Word 模板" in html


def test_link_page_to_outside_address_redirects(client, conference):
    add_page(
        home(conference),
        LinkPage(
            title="学会官网", slug="society", link_url="https://society.example.org/", locale=home(conference).locale
        ),
    )

    response = client.get("/zh-hans/ncic2027/society/")

    assert (response.status_code, response["Location"]) == (302, "https://society.example.org/")


def test_link_page_to_a_feature_without_an_address_leads_home(client, conference, monkeypatch):
    from conference_pages.models import info

    monkeypatch.setitem(info.FEATURE_URLS, FlockFeature.SUBMISSION, "no_such_app:no_such_view")
    add_page(
        home(conference),
        LinkPage(title="投稿", slug="submit", feature=FlockFeature.SUBMISSION, locale=home(conference).locale),
    )

    response = client.get("/zh-hans/ncic2027/submit/")

    assert (response.status_code, response["Location"]) == (302, "/zh-hans/ncic2027/")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_link_page_to_submission_leads_to_the_call_for_papers(client, conference, language):
    add_page(
        home(conference),
        LinkPage(title="投稿", slug="submit", feature=FlockFeature.SUBMISSION, locale=home(conference).locale),
    )

    response = client.get(f"/{language}/ncic2027/submit/")

    assert (response.status_code, response["Location"]) == (302, f"/{language}/_submit/ncic2027/")


@pytest.mark.parametrize(
    ("feature", "target"),
    [(FlockFeature.REGISTRATION, "/en/_register/ncic2027/"), (FlockFeature.MY_CONFERENCE, "/en/_my/ncic2027/")],
)
def test_link_page_to_registration_leads_to_the_attendee_pages(client, conference, feature, target):
    add_page(home(conference), LinkPage(title="注册", slug="register", feature=feature, locale=home(conference).locale))

    response = client.get("/en/ncic2027/register/")

    assert (response.status_code, response["Location"]) == (302, target)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_link_page_to_my_orders_leads_to_the_payer_pages(client, conference, language):
    add_page(
        home(conference),
        LinkPage(title="我的订单", slug="orders", feature=FlockFeature.MY_ORDERS, locale=home(conference).locale),
    )

    response = client.get(f"/{language}/ncic2027/orders/")

    assert (response.status_code, response["Location"]) == (302, f"/{language}/_orders/ncic2027/")


def test_link_page_needs_exactly_one_target(conference):
    for fields in ({}, {"link_url": "https://x.example.org", "feature": FlockFeature.SEARCH}):
        page = LinkPage(title="x", slug="x", **fields)
        with pytest.raises(ValidationError):
            page.clean()


def test_page_types_sit_only_where_they_belong(conference, news_index):
    column = ColumnPage.objects.child_of(home(conference)).first()

    assert NewsIndexPage.can_create_at(column)
    assert not NewsIndexPage.can_create_at(home(conference))  # one news index per parent
    assert NewsPage.can_create_at(news_index)
    assert not NewsPage.can_create_at(column)
    assert not SpeakerPage.can_create_at(column)
    assert ContactPage.can_create_at(column) and DownloadsPage.can_create_at(column) and LinkPage.can_create_at(column)


def test_article_blocks_render(client, conference):
    about = ColumnPage.objects.child_of(home(conference)).get(slug="about")
    body = [
        {
            "type": "important_dates",
            "value": {
                "heading": "重要日期",
                "dates": [{"date": "2027-01-31", "label": "全文截稿", "note": "北京时间 24:00"}],
            },
        },
        {
            "type": "committee",
            "value": {
                "heading": "程序委员会",
                "members": [{"name": "王强", "affiliation": "中国科学院", "role": "主席"}],
            },
        },
        {
            "type": "call_to_action",
            "value": {
                "text": "现在注册可享早鸟价",
                "button": "立即注册",
                "page": None,
                "url": "https://ncic.example.org/register",
            },
        },
        {"type": "video", "value": {"url": "https://www.bilibili.com/video/BV1xx411c7mD", "caption": "往届回顾"}},
        {
            "type": "table",
            "value": {
                "data": [["类型", "费用"], ["学生", "1200"]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
        },
    ]
    add_page(about, ArticlePage(title="征文", slug="cfp", body=body, locale=about.locale))

    html = client.get("/zh-hans/ncic2027/about/cfp/").content.decode()

    assert '<time datetime="2027-01-31">2027-01-31</time><span class="dates-label">全文截稿</span>' in html
    assert "<strong>王强</strong>" in html and "中国科学院" in html
    assert 'href="https://ncic.example.org/register">立即注册</a>' in html
    assert 'src="https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&amp;autoplay=0"' in html
    assert "<td>1200</td>" in re.sub(r"\s+", "", html).replace("<td>", "<td>")


@pytest.mark.parametrize(
    ("address", "player"),
    [
        (
            "https://www.bilibili.com/video/BV1xx411c7mD",
            "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&autoplay=0",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://evil.example.org/video/BV1xx411c7mD", None),
        ("javascript:alert(1)", None),
    ],
)
def test_video_addresses_become_players_only_for_known_hosts(address, player):
    assert video_player_url(address) == player


def test_video_block_refuses_unknown_host():
    with pytest.raises(StructBlockValidationError):
        VideoBlock().clean({"url": "https://evil.example.org/x", "caption": ""})


def test_call_to_action_needs_page_or_address_not_both(conference):
    block = CallToActionBlock()

    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"text": "t", "button": "b", "page": None, "url": ""}))
    with pytest.raises(StructBlockValidationError):
        block.clean(
            block.to_python({"text": "t", "button": "b", "page": home(conference).pk, "url": "https://x.example.org"})
        )


def test_article_body_offers_the_blocks_organizers_expect():
    assert list(ArticleBodyBlock.base_blocks) == [
        "paragraph",
        "image",
        "table",
        "important_dates",
        "committee",
        "call_to_action",
        "video",
        "featured_guests",
        "document",
    ]
