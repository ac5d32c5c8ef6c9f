"""The citizen's surfaces in Debian chromium against a real `policydesk serve`: the H5 page
in a WeChat-sized phone and at 200 % zoom, the widget on a hostile host page (both ways of
isolating it), keyboard only, an axe-core scan, and no request to any other host.

Screenshots of each state go to docs/screenshots/ (the README shows them)."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assistant.store import Store
from helpers import free_port
from test_browser import CHROMIUM, LAUNCH_ARGS, PHONE, PageServer
from cli.loadtest import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
# The README's screenshots are refreshed with POLICYDESK_UPDATE_SCREENSHOTS=1; a normal run
# leaves the committed ones alone.
SHOTS = ROOT / ("docs/screenshots" if os.environ.get("POLICYDESK_UPDATE_SCREENSHOTS") else "test-artifacts/screenshots")
ZOOM_200 = dict(PHONE, viewport={"width": 195, "height": 422}, device_scale_factor=4)
VOUCHERS = "爱心消费券每人多少钱？"

# A host page written to break embedded widgets: global resets, !important everywhere,
# a light-grey italic blockquote, and its own fixed back-to-top button in the corner.
HOSTILE_CSS = """
*{margin:0!important;padding:0!important;box-sizing:content-box!important;letter-spacing:2px!important}
html body div{line-height:1.2!important;color:#999!important;font-size:12px!important;position:relative!important}
blockquote{color:#ccc!important;font-style:italic!important;border:0!important}
button,a{background:#f0f!important;color:#ff0!important;font-size:9px!important;min-height:0!important;height:14px!important;border:0!important}
textarea{height:8px!important;font-size:8px!important}
details>*{display:inline!important}p{text-indent:4em!important;text-transform:uppercase!important}
#back-to-top{position:fixed!important;right:16px;bottom:16px;width:56px;height:56px;z-index:2147483647;background:#333!important}
"""


def hostile_page(api: str, isolation: str, src: str | None = None) -> str:
    extra = ' data-isolation="prefixed"' if isolation == "prefixed" else ""
    return ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>某县人社局</title>"
            f"<style>{HOSTILE_CSS}</style></head><body><main><h1>某县人力资源和社会保障局</h1>"
            "<p>办事指南……</p><blockquote>本站声明</blockquote></main>"
            "<button id='back-to-top' aria-label='回到顶部' onclick='window.__top=(window.__top||0)+1'>↑</button>"
            f"<script src='{src or api}/widget.js' data-api='{api}' data-position='bottom-right 16 88'{extra}></script>"
            "</body></html>")


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(served_home, tmp_path_factory):
    port = free_port()
    logs = tmp_path_factory.mktemp("surface-logs")
    server = ServerProcess(served_home, workers=1, log_path=logs / "serve.log",
                           env={"POLICYDESK_CORS_ORIGINS": f"http://127.0.0.1:{port}",
                                "POLICYDESK_RATE_LIMIT_IP": "500"}).start()
    server.wait_warm()
    pages = tmp_path_factory.mktemp("hostile")
    for isolation in ("shadow", "prefixed"):
        (pages / f"{isolation}.html").write_text(hostile_page(server.url, isolation), encoding="utf-8")
    # widget.js came (from a cache or a static host), but nothing answers at its API.
    dead = f"http://127.0.0.1:{free_port()}"
    (pages / "down.html").write_text(hostile_page(dead, "shadow", src=server.url), encoding="utf-8")
    host = PageServer(pages, port)
    yield {"api": server, "host": host}
    host.close()
    server.stop()


@pytest.fixture(scope="module")
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def hosts_of(urls) -> set[str]:
    return {urlparse(u).netloc for u in urls if u.startswith("http")}


def open_h5(chromium, server, **context):
    ctx = chromium.new_context(**{**PHONE, **context})
    page = ctx.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(server.url + "/h5")
    page.wait_for_selector(".pd-chip")   # the starter suggestions have arrived
    return ctx, page, urls


def ask(page, question: str, scope: str = ""):
    """Type and send ``question``; returns the answer element and the /api/ask JSON."""
    with page.expect_response(lambda r: r.url.endswith("/api/ask")) as response:
        page.locator(f"{scope} .pd-input").fill(question)
        page.locator(f"{scope} .pd-send").click()
    data = response.value.json()
    answer = page.locator(f"{scope} .pd-answer").last
    answer.wait_for(timeout=60_000)
    return answer, data


def serious(results) -> list[str]:
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}) {v['nodes'][0]['target']}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def contrast(locator, fg: str, bg: str) -> float:
    """WCAG contrast of two computed colours (rgb/rgba, alpha ignored)."""
    script = """(_, [fg, bg]) => {
      const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = c => { const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                         return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
      const a = lum(rgb(fg)), b = lum(rgb(bg));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }"""
    return locator.evaluate(script, [fg, bg])


# -- H5 in a WeChat-sized phone -----------------------------------------------------------------
def test_h5_citations_are_labelled_by_their_words_open_from_markers_and_link_to_the_document(chromium, site, shots):
    server = site["api"]
    ctx, page, urls = open_h5(chromium, server)
    notice = page.locator(".pd-notice")
    assert notice.locator("a[href='tel:12333']").count() == 1
    starters = page.locator(".pd-chip").all_inner_texts()
    assert len(starters) >= 4 and VOUCHERS in starters
    page.screenshot(path=str(shots / "h5-start.png"))

    with page.expect_response(lambda r: r.url.endswith("/api/ask")) as response:
        page.locator(".pd-chip", has_text=VOUCHERS).click()
    data = response.value.json()
    answer = page.locator(".pd-answer").last
    answer.wait_for(timeout=60_000)
    assert "1500" in answer.locator(".pd-body").inner_text()

    # Each citation is labelled by its own quoted words, and no two labels read the same.
    summaries = answer.locator(".pd-cite summary")
    labels = [re.sub(r"^\[\d+\]\s*", "", t).rstrip("…") for t in summaries.all_inner_texts()]
    assert len(labels) == len(data["citations"]) >= 2
    assert len(set(labels)) == len(labels)
    for label, citation in zip(labels, data["citations"]):
        assert label and label in citation["quote"] and label not in citation["title"]

    # A marker opens its citation and brings it into view.
    markers = answer.locator(".pd-body .pd-mk")
    assert markers.count() >= 2
    second = answer.locator(".pd-cite").nth(1)
    assert second.locator("details").get_attribute("open") is None
    # The answer line and its source fill the screen; the further quotes fold behind 展开
    # (the marker of citation 2, wherever it stands: an ended measure's notice comes first).
    answer.locator(".pd-body .pd-more > summary", has_text="展开").click()
    markers.and_(answer.locator('.pd-mk[data-n="2"]')).first.click()
    assert second.locator("details").evaluate("d => d.open")
    box, view = second.bounding_box(), page.locator(".pd-list").bounding_box()
    assert box["y"] >= view["y"] - 1 and box["y"] < view["y"] + view["height"]
    # Opened, it names the source; the quote the answer already shows is not repeated.
    opened = second.locator(".pd-cite-body").inner_text()
    assert "山西日报" in opened and "2022-12-30" in opened
    assert data["citations"][1]["quote"] not in opened
    page.screenshot(path=str(shots / "h5-citation-open.png"))

    # The document page: the whole text, the cited words marked and scrolled to.
    with ctx.expect_page() as new_page:
        second.locator("a.pd-doc").click()
    doc = new_page.value
    doc.wait_for_load_state()
    assert doc.evaluate("document.documentElement.lang") == "zh-CN"
    mark = doc.locator("#cite mark")
    assert data["citations"][1]["quote"] in mark.inner_text()
    top = mark.bounding_box()["y"]
    assert 0 <= top < doc.viewport_size["height"], "the cited words are scrolled into view"
    assert len(doc.locator("main").inner_text()) > 3 * len(data["citations"][1]["quote"])
    doc.screenshot(path=str(shots / "doc-page.png"))
    doc.close()

    # Two or three follow-up suggestions, none the question just asked.
    follow = answer.locator(".pd-chip").all_inner_texts()
    assert 2 <= len(follow) <= 3 and VOUCHERS not in follow
    assert hosts_of(urls) == {urlparse(server.url).netloc}
    ctx.close()


def test_h5_copy_new_conversation_and_large_text_remembered(chromium, site, shots):
    server = site["api"]
    ctx, page, urls = open_h5(chromium, server)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    answer, data = ask(page, "居家办公期间工资怎么发")
    answer.locator(".pd-copy").click()
    page.wait_for_selector(".pd-answer .pd-status:has-text('已复制')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(data["answer"].strip())
    assert "依据：" in copied and "《最高人民法院" in copied and "/doc/court-stable-employment-2022" in copied

    # 大字: bigger everywhere, and still big after the page is opened again.
    size = lambda: page.locator(".pd-answer .pd-body").last.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    normal = size()
    page.locator(".pd-big-btn").click()
    assert page.locator(".pd-big-btn").get_attribute("aria-pressed") == "true"
    assert size() >= normal * 1.15
    page.screenshot(path=str(shots / "h5-large-text.png"))
    session = page.evaluate("localStorage.getItem('policydesk_session')")
    page.reload()
    page.wait_for_selector(".pd-chip")
    assert page.locator(".pd-big-btn").get_attribute("aria-pressed") == "true"
    assert page.locator(".pd-welcome, [data-state=welcome]").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)") >= 21

    # 新对话: an empty chat with a new session.
    ask(page, "失业保险基金省级统筹是从什么时候开始的？")
    page.locator(".pd-new").click()
    assert page.locator(".pd-answer").count() == 0 and page.locator(".pd-user").count() == 0
    assert page.locator("[data-state=welcome]").count() == 1
    assert page.evaluate("localStorage.getItem('policydesk_session')") != session
    assert hosts_of(urls) == {urlparse(server.url).netloc}
    ctx.close()


def test_h5_not_helpful_takes_a_comment_offers_a_person_and_reaches_the_worklist(chromium, site, shots):
    server = site["api"]
    ctx, page, _ = open_h5(chromium, server)
    question = "灵活就业人员可以在哪里办理就业登记？"
    answer, data = ask(page, question)
    answer.locator(".pd-down").click()
    sorry = answer.locator(".pd-sorry")
    human = sorry.locator("a[href='tel:12333']")
    assert human.is_visible() and "转人工" in human.inner_text()
    assert re.search(r"\d{1,2}:\d{2}", sorry.locator(".pd-hours").inner_text()), "the hotline's hours"
    page.screenshot(path=str(shots / "h5-not-helpful.png"))
    sorry.locator("textarea").fill("没说清楚去哪个窗口办")
    with page.expect_response(lambda r: r.url.endswith("/api/feedback")):
        sorry.locator(".pd-submit").click()
    assert "意见已收到" in sorry.inner_text()

    store = Store(f"sqlite:///{server.home / 'policydesk.sqlite3'}")
    try:
        group = next(g for g in store.worklist_groups() if data["id"] in g["answer_ids"])
        assert group["thumbs_down"] >= 1 and "没说清楚去哪个窗口办" in group["comments"]
    finally:
        store.dispose()
    ctx.close()


def test_a_passport_question_is_sent_to_exit_entry_with_a_tel_link(chromium, site, shots):
    server = site["api"]
    ctx, page, _ = open_h5(chromium, server)
    answer, data = ask(page, "护照过期了去哪里补办？")
    assert data["declined"] and data["citations"] == []
    call = answer.locator(".pd-contacts a.pd-call").first
    assert call.get_attribute("href") == "tel:12367" and "移民管理局" in call.inner_text()
    body = answer.locator(".pd-body").inner_text()
    assert "出入境" in body and "民政" not in body
    assert answer.locator(".pd-chip").count() >= 2, "questions it can answer are offered instead"
    page.screenshot(path=str(shots / "h5-referral.png"))
    ctx.close()


def test_h5_at_200_percent_zoom_leaves_most_of_the_screen_to_answers(chromium, site, shots):
    server = site["api"]
    ctx, page, _ = open_h5(chromium, server, **ZOOM_200)
    ask(page, VOUCHERS)
    height = page.viewport_size["height"]
    list_box = page.locator(".pd-list").bounding_box()
    assert list_box["height"] >= 0.6 * height, f"answers get {list_box['height']:.0f} of {height} px"
    # The placeholder fits its box.
    fits = page.locator(".pd-input").evaluate("""e => {
      const s = getComputedStyle(e), c = document.createElement('canvas').getContext('2d');
      c.font = s.fontSize + ' ' + s.fontFamily;
      const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      return [c.measureText(e.placeholder).width, room];
    }""")
    assert fits[0] <= fits[1], f"placeholder {fits[0]:.0f} px in {fits[1]:.0f} px"
    # Every control is a 44 px touch target.
    small = page.evaluate("""() => [...document.querySelectorAll('button, summary, .pd-call, .pd-doc, textarea')]
      .filter(e => e.offsetParent !== null)
      .map(e => [e.className || e.tagName, e.getBoundingClientRect()])
      .filter(([n, r]) => r.height < 43.5 || r.width < 43.5).map(([n, r]) => n + ' ' + r.width + 'x' + r.height)""")
    assert small == []
    page.screenshot(path=str(shots / "h5-zoom-200.png"))
    ctx.close()


# -- the widget on a hostile host page ------------------------------------------------------------
@pytest.mark.parametrize("isolation", ["shadow", "prefixed"])
def test_widget_keeps_its_look_on_a_hostile_page_and_clear_of_the_hosts_button(chromium, site, shots, isolation):
    server, host = site["api"], site["host"]
    ctx = chromium.new_context(**PHONE)
    page = ctx.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(f"{host.url}/{isolation}.html")
    fab = page.locator(".pd-fab")
    fab.wait_for()
    mounted = page.evaluate("() => { const h = document.getElementById('pdw-root');"
                            " return [h.getAttribute('data-isolation'), !!h.shadowRoot]; }")
    assert mounted == [isolation, isolation == "shadow"]

    # The corner is configurable: the widget sits above the host's back-to-top button,
    # which still takes its own taps.
    mine, theirs = fab.bounding_box(), page.locator("#back-to-top").bounding_box()
    assert mine["y"] + mine["height"] <= theirs["y"], (mine, theirs)
    page.mouse.click(theirs["x"] + theirs["width"] / 2, theirs["y"] + theirs["height"] / 2)
    assert page.evaluate("window.__top") == 1
    assert fab.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 17
    assert mine["height"] >= 44

    fab.click()
    answer, data = ask(page, VOUCHERS, ".pd-panel")
    body = answer.locator(".pd-body")
    style = body.evaluate("e => { const s = getComputedStyle(e.querySelector('.pd-p'));"
                          " return [parseFloat(s.fontSize), parseFloat(s.lineHeight), s.color, s.textIndent, s.letterSpacing]; }")
    assert style[0] >= 17 and style[1] >= 1.5 * style[0], style
    assert style[3] in ("0px",) and style[4] in ("normal", "0px"), style
    assert contrast(body, style[2], "rgb(255,255,255)") >= 4.5

    # A quote the answer does not already show (a calculator's rule) stays dark and upright.
    calc, _ = ask(page, "我是特困人员，现在还能领爱心消费券吗？", ".pd-panel")
    cited = calc.locator(".pd-cite:has(.pd-q)").first
    cited.locator("summary").click()
    quote = cited.locator(".pd-q")
    q = quote.evaluate("e => { const s = getComputedStyle(e); return [s.color, s.fontStyle, s.display]; }")
    assert q[1] == "normal" and q[2] == "block" and contrast(quote, q[0], "rgb(255,255,255)") >= 4.5
    for control in (".pd-panel .pd-send", ".pd-panel .pd-chip", ".pd-panel .pd-cite summary", ".pd-panel .pd-input"):
        assert page.locator(control).first.bounding_box()["height"] >= 43.5, control
    page.screenshot(path=str(shots / f"widget-hostile-{isolation}.png"))

    page.locator(".pd-close").click()
    assert fab.is_visible()
    assert hosts_of(urls) == {urlparse(host.url).netloc, urlparse(server.url).netloc}
    ctx.close()


def test_widget_says_the_service_is_unreachable_and_gives_the_hotline(chromium, site, shots):
    ctx = chromium.new_context(**PHONE)
    page = ctx.new_page()
    page.goto(f"{site['host'].url}/down.html")
    page.locator(".pd-fab").click()
    page.locator(".pd-panel .pd-input").fill(VOUCHERS)
    page.locator(".pd-panel .pd-send").click()
    error = page.locator(".pd-panel .pd-error")
    error.wait_for(timeout=30_000)
    text = error.inner_text()
    assert "连不上" in text and "服务" in text and "检查网络" not in text
    assert error.locator("a[href='tel:12333']").count() == 1
    assert error.locator(".pd-retry").is_visible()
    page.screenshot(path=str(shots / "widget-unreachable.png"))
    ctx.close()


# -- keyboard only ------------------------------------------------------------------------------
def _tab_to(page, predicate_js: str, limit: int = 60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ let e = document.activeElement; while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement; return ({predicate_js})(e); }}"):
            return
    raise AssertionError(f"Tab never reached {predicate_js}")


def test_keyboard_only_h5_and_widget(chromium, site):
    server, host = site["api"], site["host"]
    ctx, page, _ = open_h5(chromium, server)
    _tab_to(page, "e => e && e.classList.contains('pd-input')")
    page.keyboard.type("爱心消费券怎么领取和使用？")
    page.keyboard.press("Enter")
    answer = page.locator(".pd-answer").last
    answer.wait_for(timeout=60_000)
    _tab_to(page, "e => e && e.classList.contains('pd-mk')")
    page.keyboard.press("Enter")
    assert answer.locator(".pd-cite details[open]").count() == 1
    _tab_to(page, "e => e && e.classList.contains('pd-down')")
    page.keyboard.press("Enter")
    expect(page.locator(".pd-comment").last).to_be_focused()
    page.keyboard.type("太笼统")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    answer.locator(".pd-sorry:has-text('意见已收到')").wait_for()
    ctx.close()

    ctx = chromium.new_context(**PHONE)
    page = ctx.new_page()
    page.goto(f"{host.url}/shadow.html")
    _tab_to(page, "e => e && e.classList.contains('pd-fab')")
    page.keyboard.press("Enter")
    assert page.locator(".pd-panel").is_visible()
    assert page.evaluate("document.getElementById('pdw-root').shadowRoot.activeElement.className") == "pd-input"
    page.keyboard.press("Escape")
    assert not page.locator(".pd-panel").is_visible()
    assert page.evaluate("document.getElementById('pdw-root').shadowRoot.activeElement.className").startswith("pd-root pd-fab")
    ctx.close()


# -- accessibility scan: axe-core bundled in the axe-playwright-python wheel ----------------------
def test_axe_finds_no_serious_violation_on_h5_widget_and_document_page(chromium, site):
    server, host = site["api"], site["host"]
    axe = Axe()
    ctx, page, urls = open_h5(chromium, server)
    assert serious(axe.run(page)) == []
    answer, data = ask(page, VOUCHERS)
    answer.locator(".pd-cite summary").first.click()
    answer.locator(".pd-down").click()
    assert serious(axe.run(page)) == []
    page.goto(server.url + "/doc/love-vouchers-2022?start=0&end=20")
    assert serious(axe.run(page)) == []
    assert hosts_of(urls) == {urlparse(server.url).netloc}, "axe and the pages fetched nothing elsewhere"
    ctx.close()

    for isolation in ("shadow", "prefixed"):
        ctx = chromium.new_context(**PHONE)
        page = ctx.new_page()
        urls = []
        page.on("request", lambda r: urls.append(r.url))
        page.goto(f"{host.url}/{isolation}.html")
        page.locator(".pd-fab").click()
        ask(page, VOUCHERS, ".pd-panel")
        page.locator(".pd-panel .pd-cite summary").first.click()
        results = axe.run(page, context={"include": [["#pdw-root"]]})
        assert serious(results) == [], isolation
        assert hosts_of(urls) == {urlparse(host.url).netloc, urlparse(server.url).netloc}
        ctx.close()
