"""Demo content of the conference websites, in Chinese and English."""

import datetime

from django.conf import settings
from wagtail.models import Locale

from conference_pages.models import (
    ArticlePage,
    ColumnPage,
    ConferenceHomePage,
    ContactPage,
    FlockFeature,
    LinkPage,
    NewsIndexPage,
    NewsPage,
    PortalPage,
    SpeakerPage,
    SpeakersIndexPage,
)
from conference_pages.services import add_page, ensure_portal, translate_page


def p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def text_block(html):
    return [{"type": "paragraph", "value": html}]


PORTAL_INTRO = (
    p("Flock 为学会与协会主办的学术会议提供网站、注册缴费、征文审稿、酒店住宿与现场签到服务。"),
    p(
        "Flock hosts the websites, registration, paper review, accommodation and on-site check-in of "
        "academic conferences run by learned societies."
    ),
)

HOME = {
    "ncic2027": (
        p(
            "全国智能计算学术会议（NCIC）是国内智能计算领域历史最悠久的学术会议之一，每两年举办一次。"
            "第十届会议将于2027年4月16日至18日在上海举行，由全国智能计算专业委员会主办、复旦大学承办。",
            "会议设特邀报告、专题分会、青年学者论坛和墙报交流，诚邀海内外学者、研究生和产业界同仁参会。",
        ),
        p(
            "The National Conference on Intelligent Computing (NCIC) is one of the longest-running "
            "meetings of its field in China, held every two years. The 10th conference takes place in "
            "Shanghai from 16 to 18 April 2027, organized by the National Committee on Intelligent "
            "Computing and hosted by Fudan University.",
            "Keynotes, parallel sessions, a young researchers' forum and poster sessions await scholars, "
            "students and industry colleagues from China and abroad.",
        ),
    ),
    "ncic2025": (
        p(
            "第九届全国智能计算学术会议于2025年10月17日至19日在成都成功举行，共有来自182家单位的"
            "1,046位代表参会，收录论文412篇。"
        ),
        p(
            "The 9th National Conference on Intelligent Computing was held in Chengdu from 17 to 19 "
            "October 2025, with 1,046 participants from 182 institutions and 412 papers."
        ),
    ),
}

# Column slug → (Chinese body, English body, [(child slug, zh title, en title, zh body, en body)]).
COLUMNS = {
    "about": (
        p(
            "本届会议以“智能计算赋能科学发现”为主题，围绕机器学习理论、大模型、智能优化、类脑计算、"
            "智能系统与应用等方向展开交流。",
            "会议期间将评选优秀论文奖和最佳学生论文奖。",
        ),
        p(
            "This year's theme is <b>Intelligent Computing for Scientific Discovery</b>, covering "
            "learning theory, large models, intelligent optimization, brain-inspired computing, and "
            "intelligent systems and applications.",
            "Best Paper and Best Student Paper awards will be presented.",
        ),
        [
            (
                "committees",
                "组织机构",
                "Committees",
                p(
                    "<b>主办单位：</b>全国智能计算专业委员会",
                    "<b>承办单位：</b>复旦大学计算机科学技术学院",
                    "<b>大会主席：</b>李明 教授（复旦大学）、陈静 教授（浙江大学）",
                    "<b>程序委员会主席：</b>王强 研究员（中国科学院自动化研究所）",
                ),
                p(
                    "<b>Organizer:</b> National Committee on Intelligent Computing",
                    "<b>Host:</b> School of Computer Science, Fudan University",
                    "<b>General chairs:</b> Prof. Ming Li (Fudan University), Prof. Jing Chen (Zhejiang University)",
                    "<b>Programme chair:</b> Prof. Qiang Wang (Institute of Automation, CAS)",
                ),
            ),
            (
                "past-conferences",
                "往届回顾",
                "Past Conferences",
                p("第九届会议（2025，成都）、第八届会议（2023，武汉）、第七届会议（2021，西安）均取得圆满成功。"),
                p(
                    "The 9th (Chengdu, 2025), 8th (Wuhan, 2023) and 7th (Xi'an, 2021) conferences were all a great success."
                ),
            ),
        ],
    ),
    "call-for-papers": (
        p(
            "会议征集智能计算领域未发表的原创研究论文，中英文均可。征文范围包括但不限于：",
            "机器学习理论与方法；大模型与生成式人工智能；进化计算与智能优化；类脑计算与神经网络；"
            "知识图谱与推理；智能计算在科学、医疗、制造中的应用。",
            "录用论文将收入会议论文集，优秀论文推荐至《计算机学报》《软件学报》等期刊。",
        ),
        p(
            "We invite original, unpublished research papers in Chinese or English. Topics include but "
            "are not limited to:",
            "learning theory and methods; large models and generative AI; evolutionary "
            "computation and optimization; brain-inspired computing; knowledge graphs and reasoning; "
            "applications in science, healthcare and manufacturing.",
            "Accepted papers appear in the proceedings; the best are recommended to leading journals.",
        ),
        [
            (
                "important-dates",
                "重要日期",
                "Important Dates",
                p(
                    "摘要截稿：2027年1月10日",
                    "全文截稿：2027年1月31日",
                    "录用通知：2027年3月1日",
                    "最终稿提交：2027年3月20日",
                ),
                p(
                    "Abstracts due: 10 January 2027",
                    "Full papers due: 31 January 2027",
                    "Notification: 1 March 2027",
                    "Camera-ready: 20 March 2027",
                ),
            ),
            (
                "paper-format",
                "论文格式要求",
                "Paper Format",
                p(
                    "论文篇幅不超过8页（含参考文献），请使用会议模板排版并以PDF格式提交。审稿采用双盲方式，"
                    "投稿时请勿出现作者信息。"
                ),
                p(
                    "Papers are at most 8 pages including references, typeset with the conference template "
                    "and submitted as PDF. Review is double-blind: remove all author information."
                ),
            ),
        ],
    ),
    "registration": (
        p("参会代表请于2027年3月31日前完成在线注册并缴费，享受早鸟优惠。每篇录用论文至少需有一位作者注册参会。"),
        p(
            "Register and pay online by 31 March 2027 for the early-bird rate. Each accepted paper "
            "needs at least one registered author."
        ),
        [
            (
                "fees",
                "注册费标准",
                "Fees",
                p(
                    "正式代表：早鸟 2,200 元，常规 2,600 元，现场 3,000 元",
                    "学生代表：早鸟 1,200 元，常规 1,500 元，现场 1,800 元",
                    "注册费含会议资料、午餐、晚宴及茶歇。",
                ),
                p(
                    "Regular: early-bird CNY 2,200, regular CNY 2,600, on-site CNY 3,000",
                    "Student: early-bird CNY 1,200, regular CNY 1,500, on-site CNY 1,800",
                    "Fees include conference materials, lunches, the banquet and coffee breaks.",
                ),
            ),
        ],
    ),
    "accommodation": (
        p("会务组在会场周边协议酒店预留了房间，注册后可在线预订，房费到店自付或在线支付。"),
        p("Rooms are reserved at partner hotels near the venue; registered attendees book them online."),
        [
            (
                "getting-there",
                "交通指南",
                "Getting There",
                p(
                    "上海浦东国际机场：乘坐地铁2号线至陆家嘴站，步行约10分钟。",
                    "上海虹桥站：乘坐地铁2号线至陆家嘴站，约50分钟。",
                ),
                p(
                    "Pudong International Airport: Metro Line 2 to Lujiazui, then a 10-minute walk.",
                    "Hongqiao Railway Station: Metro Line 2 to Lujiazui, about 50 minutes.",
                ),
            ),
        ],
    ),
    "program": (
        p("4月16日：报到、青年学者论坛；4月17日：开幕式、特邀报告、分会报告、晚宴；4月18日：分会报告、墙报、闭幕式。"),
        p(
            "16 April: registration and young researchers' forum; 17 April: opening, keynotes, "
            "sessions and banquet; 18 April: sessions, posters and closing."
        ),
        [
            (
                "keynotes",
                "特邀报告",
                "Keynotes",
                p(
                    "周涛 院士（清华大学）：面向科学发现的智能计算",
                    "Maria Rossi 教授（米兰理工大学）：演化计算的新前沿",
                ),
                p(
                    "Academician Tao Zhou (Tsinghua University): Intelligent computing for scientific discovery",
                    "Prof. Maria Rossi (Politecnico di Milano): New frontiers of evolutionary computation",
                ),
            ),
        ],
    ),
    "contact": (
        p(
            "会务组联系人：刘老师、赵老师",
            "电话：021-6564 0000",
            "邮箱：ncic2027@flock.example",
            "地址：上海市杨浦区邯郸路220号 复旦大学计算机科学技术学院",
        ),
        p(
            "Conference office: Ms Liu and Mr Zhao",
            "Phone: +86 21 6564 0000",
            "Email: ncic2027@flock.example",
            "Address: School of Computer Science, Fudan University, 220 Handan Road, Shanghai",
        ),
        [],
    ),
}


def seed_pages(context):
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    english = locales["en"]
    portal = ensure_portal()
    if not portal.intro:
        portal.intro = "".join(PORTAL_INTRO[:1])
        portal.save_revision().publish()
        translate_page(PortalPage.objects.get(pk=portal.pk), english, intro=PORTAL_INTRO[1])
    for slug, (intro_zh, intro_en) in HOME.items():
        conference = context.conferences[slug]
        home = ConferenceHomePage.objects.get(conference=conference, locale__language_code=settings.LANGUAGE_CODE)
        if home.intro:
            continue
        home.intro = intro_zh
        home.save_revision().publish()
        translate_page(home, english, intro=intro_en, title=conference.name_en)
        if slug == "ncic2027":
            _seed_columns(home, english)


def _seed_columns(home, english):
    for column in ColumnPage.objects.child_of(home).filter(locale=home.locale):
        body_zh, body_en, children = COLUMNS[column.slug]
        column.body = text_block(body_zh)
        column.save_revision().publish()
        translate_page(column, english, body=text_block(body_en))
        for slug, title_zh, title_en, child_zh, child_en in children:
            article = add_page(
                column, ArticlePage(title=title_zh, slug=slug, body=text_block(child_zh), locale=home.locale)
            )
            translate_page(article, english, title=title_en, body=text_block(child_en))
        if column.slug == "call-for-papers":
            link = add_page(
                column, LinkPage(title="在线投稿", slug="submit", feature=FlockFeature.SUBMISSION, locale=home.locale)
            )
            translate_page(link, english, title="Submit a paper")


# (slug, date, pinned, zh title, en title, zh summary, en summary)
NEWS = [
    (
        "call-for-papers-open",
        datetime.date(2026, 10, 8),
        True,
        "第十届全国智能计算学术会议征文启动",
        "Call for papers of NCIC 2027 is open",
        "会议即日起接受论文投稿，全文截稿日期为2027年1月31日。",
        "Submissions are open; full papers are due on 31 January 2027.",
    ),
    (
        "keynotes-announced",
        datetime.date(2026, 11, 12),
        True,
        "大会特邀报告人公布",
        "Keynote speakers announced",
        "周涛院士与Maria Rossi教授将作大会特邀报告。",
        "Academician Tao Zhou and Prof. Maria Rossi will give the keynotes.",
    ),
    (
        "registration-open",
        datetime.date(2026, 11, 20),
        True,
        "参会注册系统开放",
        "Registration is open",
        "早鸟注册截止日期为2027年3月31日。",
        "Early-bird registration closes on 31 March 2027.",
    ),
    (
        "young-scholars-forum",
        datetime.date(2026, 9, 15),
        False,
        "青年学者论坛征集报告",
        "Young researchers' forum: call for talks",
        "欢迎35岁以下青年学者申请论坛报告。",
        "Researchers under 35 are invited to propose a talk.",
    ),
]

# (slug, kind, featured, zh name, en name, zh title, en title, zh affiliation, en affiliation, zh talk, en talk)
SPEAKERS = [
    (
        "zhou-tao",
        "keynote",
        True,
        "周涛",
        "Tao Zhou",
        "院士",
        "Academician",
        "清华大学",
        "Tsinghua University",
        "面向科学发现的智能计算",
        "Intelligent computing for scientific discovery",
    ),
    (
        "maria-rossi",
        "keynote",
        True,
        "Maria Rossi",
        "Maria Rossi",
        "教授",
        "Professor",
        "米兰理工大学",
        "Politecnico di Milano",
        "演化计算的新前沿",
        "New frontiers of evolutionary computation",
    ),
    (
        "li-na",
        "invited",
        True,
        "李娜",
        "Na Li",
        "研究员",
        "Professor",
        "中国科学院自动化研究所",
        "Institute of Automation, CAS",
        "类脑计算的挑战与机遇",
        "Brain-inspired computing: challenges and chances",
    ),
]


def seed_sections(context):
    """News, speakers and the contact page of the NCIC 2027 site (once)."""
    home = ConferenceHomePage.objects.get(
        conference=context.conferences["ncic2027"], locale__language_code=settings.LANGUAGE_CODE
    )
    if NewsIndexPage.objects.descendant_of(home).exists():
        return
    english = Locale.objects.get(language_code="en")
    news_index = add_page(home, NewsIndexPage(title="会议新闻", slug="news", locale=home.locale))
    translate_page(news_index, english, title="News")
    for slug, date, pinned, title_zh, title_en, summary_zh, summary_en in NEWS:
        item = add_page(
            news_index,
            NewsPage(
                title=title_zh,
                slug=slug,
                date=date,
                pinned=pinned,
                summary=summary_zh,
                body=text_block(p(summary_zh)),
                locale=home.locale,
            ),
        )
        translate_page(item, english, title=title_en, summary=summary_en, body=text_block(p(summary_en)))
    program = ColumnPage.objects.child_of(home).get(slug="program")
    speakers = add_page(program, SpeakersIndexPage(title="特邀嘉宾", slug="speakers", locale=home.locale))
    translate_page(speakers, english, title="Speakers")
    for slug, kind, featured, name_zh, name_en, title_zh, title_en, aff_zh, aff_en, talk_zh, talk_en in SPEAKERS:
        speaker = add_page(
            speakers,
            SpeakerPage(
                title=name_zh,
                slug=slug,
                kind=kind,
                featured=featured,
                academic_title=title_zh,
                affiliation=aff_zh,
                talk_title=talk_zh,
                locale=home.locale,
            ),
        )
        translate_page(speaker, english, title=name_en, academic_title=title_en, affiliation=aff_en, talk_title=talk_en)
    contact = ColumnPage.objects.child_of(home).get(slug="contact")
    office = add_page(
        contact,
        ContactPage(
            title="会务组",
            slug="office",
            address="上海市杨浦区邯郸路220号 复旦大学计算机科学技术学院",
            phone="021 6564 0000",
            email="ncic2027@flock.example",
            locale=home.locale,
            people=[
                {
                    "type": "person",
                    "value": {
                        "name": "刘老师",
                        "role": "注册与缴费",
                        "phone": "021 6564 0001",
                        "email": "reg@ncic2027.flock.example",
                    },
                },
                {
                    "type": "person",
                    "value": {
                        "name": "赵老师",
                        "role": "论文与日程",
                        "phone": "021 6564 0002",
                        "email": "paper@ncic2027.flock.example",
                    },
                },
            ],
        ),
    )
    translate_page(
        office,
        english,
        title="Conference Office",
        address="School of Computer Science, Fudan University, 220 Handan Road, Shanghai",
        people=[
            {
                "type": "person",
                "value": {
                    "name": "Ms Liu",
                    "role": "Registration and payment",
                    "phone": "+86 21 6564 0001",
                    "email": "reg@ncic2027.flock.example",
                },
            },
            {
                "type": "person",
                "value": {
                    "name": "Mr Zhao",
                    "role": "Papers and programme",
                    "phone": "+86 21 6564 0002",
                    "email": "paper@ncic2027.flock.example",
                },
            },
        ],
    )


def _gradient(width, height, top, bottom):
    """A Pillow picture shading from ``top`` to ``bottom``."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    image = PILImage.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / max(height - 1, 1)
        colour = tuple(int(top[i] * (1 - mix) + bottom[i] * mix) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    return image


def _encode(image, kind):
    import io

    buffer = io.BytesIO()
    image.save(buffer, kind, **({"quality": 88} if kind == "JPEG" else {}))
    return buffer.getvalue()


def _png(width, height, top, bottom, *, rings=0, label=""):
    """A generated picture: a vertical gradient with soft rings and an optional short label."""
    from PIL import ImageDraw

    image = _gradient(width, height, top, bottom)
    draw = ImageDraw.Draw(image)
    for ring in range(rings):
        radius = height * (0.35 + 0.22 * ring)
        centre = (width * (0.78 - 0.05 * ring), height * (0.3 + 0.1 * ring))
        box = [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]
        draw.ellipse(box, outline=(255, 255, 255), width=max(2, height // 120))
    if label:
        draw.text((width * 0.12, height * 0.32), label, fill=(255, 255, 255), font_size=height * 0.36)
    return _encode(image, "PNG")


def _portrait(top, bottom, size=600):
    """A generated speaker portrait: a head-and-shoulders silhouette on a soft gradient (JPEG)."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFilter

    image = _gradient(size, size, top, bottom)
    white = PILImage.new("RGB", (size, size), (255, 255, 255))
    glow = PILImage.new("L", (size, size), 0)
    ImageDraw.Draw(glow).ellipse([size * 0.1, size * 0.04, size * 0.9, size * 0.84], fill=70)
    image.paste(white, mask=glow.filter(ImageFilter.GaussianBlur(size / 12)))
    figure = PILImage.new("L", (size, size), 0)
    draw = ImageDraw.Draw(figure)
    draw.ellipse([size * 0.12, size * 0.66, size * 0.88, size * 1.42], fill=220)  # shoulders
    draw.rounded_rectangle([size * 0.42, size * 0.46, size * 0.58, size * 0.7], radius=size * 0.04, fill=220)
    draw.ellipse([size * 0.335, size * 0.17, size * 0.665, size * 0.57], fill=220)  # head
    image.paste(white, mask=figure.filter(ImageFilter.GaussianBlur(size / 200)))
    return _encode(image, "JPEG")


def _image(title, content, collection, *, extension="png"):
    from django.core.files.base import ContentFile
    from wagtail.images.models import Image

    existing = Image.objects.filter(title=title, collection=collection).first()
    return existing or Image.objects.create(
        title=title, collection=collection, file=ContentFile(content, name=f"{title}.{extension}")
    )


SLIDES = [
    (
        "slide-venue",
        (18, 53, 91),
        (42, 122, 184),
        "上海国际会议中心，2027年4月16日至18日",
        "Shanghai International Convention Center, 16–18 April 2027",
    ),
    (
        "slide-cfp",
        (15, 94, 79),
        (31, 157, 132),
        "征文进行中：全文截稿2027年1月31日",
        "Call for papers: full papers due 31 January 2027",
    ),
    (
        "slide-forum",
        (75, 42, 123),
        (126, 87, 194),
        "青年学者论坛：欢迎提交报告",
        "Young researchers' forum: propose a talk",
    ),
]
PARTNERS = [
    ("FDU", "复旦大学", "Fudan University", (140, 28, 43), "https://www.fudan.edu.cn/"),
    ("CAS", "中国科学院", "Chinese Academy of Sciences", (18, 53, 91), "https://www.cas.cn/"),
    ("ZJU", "浙江大学", "Zhejiang University", (15, 94, 79), "https://www.zju.edu.cn/"),
    ("THU", "清华大学", "Tsinghua University", (75, 42, 123), "https://www.tsinghua.edu.cn/"),
    ("NCIC", "全国智能计算专业委员会", "National Committee on Intelligent Computing", (61, 74, 87), ""),
]
# Speaker slug → the top and bottom colours of the background of the speaker's generated portrait.
PORTRAITS = {
    "zhou-tao": ((24, 62, 104), (96, 156, 208)),
    "maria-rossi": ((122, 38, 58), (214, 120, 112)),
    "li-na": ((20, 96, 84), (112, 190, 160)),
}


def seed_visuals(context):
    """Speaker portraits (where missing), then the banner, slideshow and partner logos of NCIC 2027
    in both languages (once)."""
    from conference_pages.models import HomeSlide, Partner
    from conference_pages.services import conference_collection

    conference = context.conferences["ncic2027"]
    collection = conference_collection(conference)
    homes = {
        home.locale.language_code: home
        for home in ConferenceHomePage.objects.filter(conference=conference).select_related("locale")
    }
    _seed_portraits(homes.values(), collection)
    if homes[settings.LANGUAGE_CODE].banner_id:
        return
    banner = _image("ncic2027-banner", _png(1920, 480, (11, 36, 64), (42, 122, 184), rings=3), collection)
    slides = [
        (_image(key, _png(1600, 640, top, bottom, rings=2), collection), zh, en) for key, top, bottom, zh, en in SLIDES
    ]
    logos = [
        (_image(f"logo-{short.lower()}", _png(480, 192, colour, colour, label=short), collection), zh, en, url)
        for short, zh, en, colour, url in PARTNERS
    ]
    for language, home in homes.items():
        english = language == "en"
        home.banner = banner
        home.slides.set(
            [
                HomeSlide(image=image, caption=en if english else zh, sort_order=number)
                for number, (image, zh, en) in enumerate(slides)
            ]
        )
        home.partners.set(
            [
                Partner(name=en if english else zh, logo=logo, url=url, sort_order=number)
                for number, (logo, zh, en, url) in enumerate(logos)
            ]
        )
        home.save_revision().publish()


def _seed_portraits(homes, collection):
    """Give each demo speaker without a photo, in every language, a generated portrait (one image
    per speaker, shared by the languages)."""
    portraits = {}
    for home in homes:
        for speaker in SpeakerPage.objects.descendant_of(home).filter(slug__in=PORTRAITS, photo__isnull=True):
            if speaker.slug not in portraits:
                content = _portrait(*PORTRAITS[speaker.slug])
                portraits[speaker.slug] = _image(f"speaker-{speaker.slug}", content, collection, extension="jpg")
            speaker.photo = portraits[speaker.slug]
            speaker.save_revision().publish()
