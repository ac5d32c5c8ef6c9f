"""The H5 page and the widget in Debian chromium against a real `policydesk serve`, as a
citizen meets them: a phone-sized WeChat browser, and a plain page on another origin."""
from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from cli.loadtest import ServerProcess
from helpers import free_port
from assistant.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--disable-sync"]
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
             "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 "
             "Weixin NetType/WIFI Language/zh_CN ABI/arm64")
QUESTION = "爱心消费券每人多少钱"
PHONE = {"viewport": {"width": 390, "height": 844}, "user_agent": WECHAT_UA, "is_mobile": True,
         "has_touch": True, "device_scale_factor": 2, "locale": "zh-CN"}


class PageServer:
    """A plain static site on its own port, i.e. another origin than the API."""

    def __init__(self, directory: Path, port: int):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is missing at /usr/bin/chromium (make debian-test-deps)")
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(served_home, tmp_path_factory):
    """The API server plus two static sites: one allowed by CORS, one not."""
    allowed_port, other_port = free_port(), free_port()
    logs = tmp_path_factory.mktemp("browser-logs")
    server = ServerProcess(served_home, workers=1, log_path=logs / "serve.log",
                           env={"POLICYDESK_CORS_ORIGINS": f"http://127.0.0.1:{allowed_port}",
                                "POLICYDESK_RATE_LIMIT_IP": "200"}).start()
    server.wait_warm()
    pages = tmp_path_factory.mktemp("pages")
    (pages / "index.html").write_text(
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>山西人社</title></head>"
        "<body><h1>某县人力资源和社会保障局</h1><p>办事指南……</p>"
        f"<script src='{server.url}/widget.js' data-api='{server.url}'></script></body></html>",
        encoding="utf-8")
    allowed, other = PageServer(pages, allowed_port), PageServer(pages, other_port)
    yield {"api": server, "allowed": allowed, "other": other}
    allowed.close()
    other.close()
    server.stop()


def track_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_h5_page_in_a_wechat_sized_phone(chromium, site, artifacts_dir):
    server = site["api"]
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    urls = track_requests(page)
    page.goto(server.url + "/h5")
    assert "12333" in page.inner_text(".pd-notice") and "政策原文" in page.inner_text(".pd-notice")
    assert float(page.eval_on_selector(".pd-input", "e => parseFloat(getComputedStyle(e).fontSize)")) >= 16

    page.fill(".pd-input", QUESTION)
    page.click(".pd-send")
    answer = page.wait_for_selector(".pd-answer", timeout=60_000)
    text = answer.inner_text()
    assert "1500" in text
    assert float(answer.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 17

    cite = page.locator(".pd-answer .pd-cite summary").first
    source = page.locator(".pd-answer .pd-src").first
    assert not source.is_visible()
    cite.click()
    assert source.is_visible() and re.search(r"《.+》", source.inner_text())
    page.screenshot(path=str(artifacts_dir / "h5-answer-390x844.png"), full_page=True)

    # Nothing but our own origin was contacted, no cookie set, the session kept in localStorage.
    assert {urlparse(u).netloc for u in urls if u.startswith("http")} == {urlparse(server.url).netloc}
    assert context.cookies() == []
    session = page.evaluate("() => window.localStorage.getItem('policydesk_session')")
    assert session and session.startswith("pd-")
    row = Store(f"sqlite:///{server.home / 'policydesk.sqlite3'}").list_conversations(session_id=session)[0]
    assert row["channel"] == "h5"

    # 👍 lands as feedback.
    page.click(".pd-answer .pd-up")
    page.wait_for_selector(".pd-answer .pd-status:has-text('感谢')")
    context.close()


def test_h5_shows_pending_then_offers_retry_after_a_failed_connection(chromium, site, artifacts_dir):
    server = site["api"]
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    page.goto(server.url + "/h5")
    held = []
    page.route("**/api/ask", lambda route: held.append(route))
    page.fill(".pd-input", QUESTION)
    page.click(".pd-send")
    page.wait_for_selector(".pd-pending")
    assert page.is_disabled(".pd-send")
    # The connection drops twice (one silent automatic retry), then the citizen sees a retry button.
    while len(held) < 1:
        page.wait_for_timeout(50)
    held.pop().abort("internetdisconnected")
    page.wait_for_timeout(1700)
    while len(held) < 1:
        page.wait_for_timeout(50)
    held.pop().abort("internetdisconnected")
    page.wait_for_selector(".pd-error .pd-retry")
    assert "12333" in page.inner_text(".pd-error") and "连不上" in page.inner_text(".pd-error")
    page.screenshot(path=str(artifacts_dir / "h5-retry-390x844.png"))
    page.unroute("**/api/ask")
    page.click(".pd-retry")
    answer = page.wait_for_selector(".pd-answer", timeout=60_000)
    assert "1500" in answer.inner_text()
    assert page.locator(".pd-error").count() == 0
    context.close()


def test_widget_on_another_origin_opens_and_answers(chromium, site, artifacts_dir):
    server, allowed = site["api"], site["allowed"]
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    urls = track_requests(page)
    page.goto(allowed.url + "/index.html")
    assert page.locator("iframe").count() == 0
    page.locator(".pd-fab").wait_for()
    assert not page.locator(".pd-panel").is_visible()
    page.click(".pd-fab")
    assert page.locator(".pd-panel").is_visible()
    page.fill(".pd-panel .pd-input", QUESTION)
    page.click(".pd-panel .pd-send")
    answer = page.wait_for_selector(".pd-panel .pd-answer", timeout=60_000)
    assert "1500" in answer.inner_text()
    page.locator(".pd-panel .pd-cite summary").first.click()
    assert page.locator(".pd-panel .pd-src").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "widget-cross-origin-390x844.png"))
    page.click(".pd-close")
    assert page.locator(".pd-fab").is_visible()
    hosts = {urlparse(u).netloc for u in urls if u.startswith("http")}
    assert hosts == {urlparse(allowed.url).netloc, urlparse(server.url).netloc}
    assert context.cookies() == []
    context.close()


def test_widget_on_an_origin_outside_the_allow_list_gets_no_answer(chromium, site):
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    page.goto(site["other"].url + "/index.html")
    page.click(".pd-fab")
    page.fill(".pd-panel .pd-input", QUESTION)
    page.click(".pd-panel .pd-send")
    page.wait_for_selector(".pd-panel .pd-error", timeout=30_000)
    assert page.locator(".pd-panel .pd-answer").count() == 0
    context.close()


def test_server_logs_never_show_the_question(site):
    server = site["api"]
    secret = "我的电话13812345678身份证110101199003074518能领爱心消费券吗"
    assert httpx.post(server.url + "/api/ask", json={"question": secret}, timeout=60).status_code == 200
    assert httpx.get(server.url + "/api/search", params={"q": secret}, timeout=60).status_code == 200
    log = server.log_text()
    assert "/api/search?q=…" in log  # the access line is there, without its value
    for needle in ("13812345678", "110101199003074518", "能领爱心消费券吗", "%E8%83%BD"):
        assert needle not in log
