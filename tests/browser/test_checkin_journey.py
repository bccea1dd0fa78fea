"""Check-in staff at the desk, in a real browser, on the demo conference.

The demo's check-in staff logs in, opens the desk, finds an attendee by name and checks her in,
scans her code again (typed as a handheld scanner does) and reads "already checked in at … at
desk 2"; a forged code is "not a Flock code". The network then drops: the desk goes on scanning
against the list it downloaded, queues the scan, and sends it when the network returns — the
server records it once even when the queue is sent twice. Reloaded while offline, the desk opens
from the copy its service worker kept and goes on scanning. The desk's decoder reads a QR code
drawn from an image.
"""

import base64
import datetime
import io
import re

import pytest

from cms.demo import DEMO_PASSWORD
from tests.browser.conftest import SCREENSHOTS, admin_login

pytestmark = pytest.mark.browser

STAFF = "checkin@ncic2027.flock.example"


def not_checked_in(conference):
    """The demo's confirmed attendees with a Chinese name who are not checked in, first come first."""
    from attendance.enums import RegistrationState
    from attendance.models import Registration

    return (
        Registration.objects.filter(conference=conference, state=RegistrationState.CONFIRMED, check_ins__isnull=True)
        .exclude(name_zh="")
        .order_by("pk")
    )


def test_check_in_staff_search_check_in_rescan_and_scan_offline(page, demo_site, screenshot):
    import qrcode
    from playwright.sync_api import expect

    from attendance.models import CheckIn, RoomType
    from attendance.services.hotels import book_room
    from attendance.services.tokens import checkin_url, token_for
    from cms.models import Conference

    url = demo_site
    conference = Conference.objects.get(slug="ncic2027")
    first, second, third = not_checked_in(conference)[:3]
    # She has a hotel night to pay, which the desk takes with the rest.
    night = book_room(
        registration=first,
        room_type=RoomType.objects.filter(hotel__conference=conference).order_by("pk").first(),
        check_in=conference.start_date,
        check_out=conference.start_date + datetime.timedelta(days=1),
    )

    admin_login(page, url, STAFF, DEMO_PASSWORD)
    page.goto(url("/admin/checkin/"))
    expect(page).to_have_url(re.compile(rf"/admin/checkin/{conference.pk}/$"))
    expect(page.locator("#desk-list")).to_contain_text("已于")  # the list is downloaded
    expect(page.locator("#desk-total")).to_contain_text("6 /")
    expect(page.locator("#desk-network")).to_have_attribute("data-kept", "true")  # ready to reload offline
    page.fill("#desk-name", "2号台")
    page.locator("#desk-name").dispatch_event("change")

    # Search by name, open the card, check in.
    page.fill("#desk-query", first.name_zh)
    page.locator(".flock-desk-result").first.click()
    expect(page.locator(".flock-desk-banner")).to_have_text("尚未签到")
    expect(page.locator(".flock-desk-details")).to_contain_text(
        f"尚需支付{night.room_type.hotel.name_zh} · {night.amount}"
    )
    screenshot("01-found")
    page.locator(".flock-desk-actions button", has_text="记录现场付款").click()
    expect(page.locator(".flock-desk-banner")).to_have_text("付款已记录。")
    expect(page.locator(".flock-desk-details")).not_to_contain_text("尚需支付")
    night.order.refresh_from_db()
    assert night.order.state == "paid" and night.order.payments.get().provider == "on_site"
    page.locator(".flock-desk-actions button", has_text="签到").click()
    expect(page.locator(".flock-desk-banner")).to_have_text("已签到")
    expect(page.locator(".flock-desk-person")).to_contain_text(first.name_zh)
    expect(page.locator("#desk-total")).to_contain_text("7 /")
    screenshot("02-checked-in")
    assert CheckIn.objects.get(registration=first, undone_at__isnull=True).desk == "2号台"

    # A handheld scanner types the code again: already checked in, at what time and desk.
    page.fill("#desk-code", checkin_url(first))
    page.press("#desk-code", "Enter")
    expect(page.locator(".flock-desk-banner")).to_contain_text(re.compile(r"已于 \d\d:\d\d 在2号台签到"))
    screenshot("03-already")
    page.fill("#desk-code", token_for(first)[:-2] + "zz")
    page.press("#desk-code", "Enter")
    expect(page.locator(".flock-desk-banner")).to_have_text("不是 Flock 的二维码")
    assert CheckIn.objects.filter(registration=first).count() == 1

    # The network drops: scan against the downloaded list, queue, send when back.
    page.context.set_offline(True)
    page.fill("#desk-code", token_for(second))
    page.press("#desk-code", "Enter")
    expect(page.locator(".flock-desk-banner")).to_have_text("已签到")
    expect(page.locator(".flock-desk-note")).to_contain_text("已排队")
    expect(page.locator("#desk-network")).to_have_attribute("data-state", "offline")
    screenshot("04-offline-queued")
    assert not CheckIn.objects.filter(registration=second).exists()
    # Reloaded while still offline, the desk opens from this device's copy, keeps its queue and
    # goes on scanning against the list its tab kept.
    page.reload()
    expect(page.locator("#desk-network")).to_have_attribute("data-state", "offline")
    expect(page.locator("#desk-queue")).to_have_text("待发送的扫码记录：1")
    expect(page.locator("#desk-total")).to_contain_text("7 /")  # the last counts it saw
    expect(page.locator("#desk-list")).to_contain_text("下载 53 人的名单")
    page.fill("#desk-code", checkin_url(third))
    page.press("#desk-code", "Enter")
    expect(page.locator(".flock-desk-banner")).to_have_text("已签到")
    expect(page.locator(".flock-desk-person")).to_contain_text(third.name_zh)
    expect(page.locator("#desk-queue")).to_have_text("待发送的扫码记录：2")
    screenshot("05-reloaded-offline")
    kept = page.evaluate(
        "caches.keys().then(async (names) => (await Promise.all(names.map(async (name) =>"
        " (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname)))).flat())"
    )
    assert f"/admin/checkin/{conference.pk}/" in kept and "/static/attendance/desk.js" in kept
    assert not [path for path in kept if path.startswith("/checkin/")]  # no answer of the API is kept
    page.context.set_offline(False)
    page.evaluate("window.flockDesk.flush()")
    expect(page.locator("#desk-queue")).to_have_text("")
    assert CheckIn.objects.get(registration=third).offline
    stored = CheckIn.objects.get(registration=second)
    assert stored.offline and stored.desk == "2号台"
    page.evaluate(
        "(scan) => fetch(JSON.parse(document.getElementById('desk-config').textContent).api.sync, {method: 'POST',"
        " headers: {'Content-Type': 'application/json', 'X-CSRFToken': document.querySelector("
        "'#flock-desk [name=csrfmiddlewaretoken]').value}, body: JSON.stringify({desk: '2号台', scans: [scan]})})",
        {"scan_id": str(stored.scan_id), "token": token_for(second), "at": stored.checked_in_at.isoformat()},
    )
    assert CheckIn.objects.filter(registration=second).count() == 1

    # The camera's decoder (jsQR where the browser has no BarcodeDetector) reads a QR image.
    image = qrcode.make(checkin_url(first), box_size=6, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    decoded = page.evaluate(
        """async (source) => {
            const image = new Image();
            image.src = source;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = image.width; canvas.height = image.height;
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            return window.flockDesk.decodeImageData(context.getImageData(0, 0, canvas.width, canvas.height));
        }""",
        data_url,
    )
    assert decoded == checkin_url(first)
    screenshot("06-counts")

    # Logging out deletes the desk's copies (its menu names the person), not the desk's queue.
    def desk_copies():
        return [name for name in page.evaluate("caches.keys()") if name.startswith("flock-desk-")]

    assert desk_copies()
    page.evaluate(
        """() => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/admin/logout/";
            form.append(document.querySelector("#flock-desk [name=csrfmiddlewaretoken]").cloneNode());
            document.body.append(form);
            form.submit();
        }"""
    )
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    for _attempt in range(50):
        if not desk_copies():
            break
        page.wait_for_timeout(100)
    assert desk_copies() == []


def test_check_in_staff_scan_a_code_with_the_camera(camera_page, demo_site):
    """The camera films a letter's QR code: the desk reads it (jsQR, as Debian's Chromium has no
    BarcodeDetector) and checks the attendee in, once, however many frames show the code."""
    import qrcode
    from PIL import Image
    from playwright.sync_api import expect

    from attendance.models import CheckIn
    from attendance.services.tokens import checkin_url
    from cms.models import Conference

    url = demo_site
    conference = Conference.objects.get(slug="ncic2027")
    attendee = not_checked_in(conference).first()
    code = qrcode.make(checkin_url(attendee), box_size=5, border=4).get_image().convert("L")
    frame = Image.new("L", (640, 480), 255)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    page = camera_page([frame])

    admin_login(page, url, STAFF, DEMO_PASSWORD)
    page.goto(url(f"/admin/checkin/{conference.pk}/"))
    expect(page.locator("#desk-list")).to_contain_text("已于")
    page.locator("#desk-camera").click()

    expect(page.locator("#desk-video")).to_be_visible()
    expect(page.locator(".flock-desk-banner")).to_have_text("已签到")
    expect(page.locator(".flock-desk-person")).to_contain_text(attendee.name_zh)
    page.screenshot(path=str(SCREENSHOTS / "check_in_staff_scan_a_code_with_the_camera--01-scanned.png"))
    page.wait_for_timeout(1500)  # the camera keeps filming the same code
    assert CheckIn.objects.filter(registration=attendee, undone_at__isnull=True).count() == 1
    page.locator("#desk-camera").click()
    expect(page.locator("#desk-video")).to_be_hidden()
