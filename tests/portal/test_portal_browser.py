"""The portal in a real browser: `streamlit run` on 127.0.0.1 driven by Debian's chromium
through Playwright. Screenshots (desktop and 390×844 phone) and timings go to test-artifacts/."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import free_port, stop_process

from conftest import ROOT, STAFF_PASSWORD, STAFF_USER

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
CHAT_INPUT = '[data-testid="stChatInput"] textarea'
# The run is over and answer number `before` is fully drawn (its feedback buttons come last).
ANSWER_DONE = """(before) => {
  const answers = [...document.querySelectorAll('[data-testid="stChatMessage"]')]
    .filter(m => m.querySelector('[data-testid="stChatMessageAvatarAssistant"]'));
  if (answers.length !== before + 1) return false;
  if (document.querySelector('[data-testid^="stStatusWidgetRunning"], [data-stale="true"]')) return false;
  return !!answers[before].querySelector('[data-testid="stFeedback"]');
}"""
ANSWERS = '[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"])'


def _streamlit(app_file: Path, log_path: Path):
    """`streamlit run APP` on a free 127.0.0.1 port; yields its URL once healthy."""
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    log = log_path.open("w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", str(app_file),
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, f"streamlit exited; see {log_path}"
            assert time.monotonic() < deadline, "streamlit did not start within 60 s"
            time.sleep(0.3)
        yield url
    finally:
        stop_process(proc)
        log.close()


@pytest.fixture
def portal_url(portal_home, artifacts_dir):
    yield from _streamlit(ROOT / "streamlit_app.py", artifacts_dir / "portal-streamlit.log")


@pytest.fixture
def staff_url(portal_home, artifacts_dir):
    """The staff console: its own app on its own port."""
    yield from _streamlit(ROOT / "staff_app.py", artifacts_dir / "staff-streamlit.log")


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make debian-test-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _ask(page, question: str, timeout_ms: int = 120_000) -> tuple[object, float]:
    """Type a question and wait until the app has finished drawing its answer.

    While Streamlit reruns, elements of the previous run stay on the page (stale) until
    replaced, so "an answer is visible" is not enough: wait for the run to end."""
    before = page.locator(ANSWERS).count()
    page.locator(CHAT_INPUT).fill(question)
    started = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_function(ANSWER_DONE, arg=before, timeout=timeout_ms, polling=50)
    elapsed = time.perf_counter() - started
    answer = page.locator(ANSWERS).nth(before)
    assert question in page.locator('[data-testid="stChatMessage"]').nth(2 * before).inner_text()
    return answer, elapsed


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_citizen_asks_about_vouchers_and_opens_the_citation(browser, portal_url, artifacts_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    opened = time.perf_counter()
    page.goto(portal_url)
    page.locator(CHAT_INPUT).wait_for(timeout=60_000)
    ready = time.perf_counter() - opened
    page.screenshot(path=str(artifacts_dir / "portal-chat-start-desktop.png"))

    answer, first_ms = _ask(page, "爱心消费券每人多少钱")
    first_answer = time.perf_counter() - opened
    assert "1500" in answer.inner_text()
    citations = answer.locator(".pd-cite")
    assert citations.count() >= 1
    # Expand the citation that carries the amount (or the first one): its source and a link
    # to the whole document.
    target = citations.filter(has_text="1500")
    target = target.first if target.count() else citations.first
    target.locator("summary").click()
    source = target.locator(".pd-src")
    source.wait_for(state="visible", timeout=10_000)
    details = target.inner_text()
    assert "山西日报" in details and "2022-12-30" in details
    assert target.locator("a.pd-doc").get_attribute("href").startswith("/doc?doc_id=")
    target.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "portal-chat-desktop.png"))

    per_answer = []
    for q in ("失业保险基金省级统筹从什么时候开始", "居家办公期间工资怎么发", "火车票怎么退"):
        _, seconds = _ask(page, q)
        per_answer.append(round(seconds, 2))
    # A second visitor on the now-warm server: what a citizen meets in normal operation.
    second = browser.new_page(viewport={"width": 1280, "height": 900})
    opened = time.perf_counter()
    second.goto(portal_url)
    second.locator(CHAT_INPUT).wait_for(timeout=60_000)
    _, warm_ms = _ask(second, "爱心消费券每人多少钱")
    warm_first = time.perf_counter() - opened
    timings = {"cold_server": {"page_ready_s": round(ready, 2), "open_to_first_answer_s": round(first_answer, 2),
                               "first_answer_after_enter_s": round(first_ms, 2)},
               "per_answer_s": per_answer,
               "warm_server": {"open_to_first_answer_s": round(warm_first, 2),
                               "answer_after_enter_s": round(warm_ms, 2)}}
    (artifacts_dir / "portal-timings.json").write_text(json.dumps(timings, indent=2))
    print("portal timings:", timings)


def test_phone_viewport_and_embed_mode_fit_the_screen(browser, portal_url, artifacts_dir):
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(portal_url)
    page.locator(CHAT_INPUT).wait_for(timeout=60_000)
    assert _no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts_dir / "portal-chat-start-phone.png"))
    answer, _ = _ask(page, "爱心消费券每人多少钱")
    assert "1500" in answer.inner_text()
    first = answer.locator(".pd-cite").first
    first.locator("summary").click()
    first.locator(".pd-src").wait_for(state="visible", timeout=10_000)
    assert _no_horizontal_scroll(page)
    box = page.locator(CHAT_INPUT).bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir / "portal-chat-phone.png"))

    embed = ctx.new_page()
    embed.goto(f"{portal_url}/?embed=true")
    embed.locator(CHAT_INPUT).wait_for(timeout=60_000)
    assert embed.locator("h1").count() == 0                      # no page title in embed mode
    assert embed.locator('[data-testid="stSidebarNav"]').count() == 0
    answer, _ = _ask(embed, "失业保险基金省级统筹从什么时候开始")
    assert answer.locator(".pd-cite").count() >= 1
    assert _no_horizontal_scroll(embed)
    embed.screenshot(path=str(artifacts_dir / "portal-embed-phone.png"))
    ctx.close()


def test_calculator_page_in_the_browser_and_no_staff_page_in_the_portal(browser, portal_url, artifacts_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{portal_url}/calculators")
    page.get_by_text("选择计算器").wait_for(timeout=60_000)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="爱心消费券").click()
    page.get_by_role("combobox", name="救助身份（必填）").click()
    page.get_by_role("option", name="特困救助供养对象").click()
    date_box = page.get_by_role("textbox", name="查询日期（必填）")
    date_box.fill("2023-02-30")
    page.get_by_role("button", name="计算").click()
    error = page.locator('[data-testid="stAlert"]').filter(has_text="不是真实存在的日期")
    error.wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "portal-calculator-error.png"))
    date_box.fill("2023-01-10")
    page.get_by_role("button", name="计算").click()
    page.get_by_text("计算过程").wait_for(timeout=30_000)
    assert "1500" in page.locator('[data-testid="stMain"]').inner_text()
    page.set_viewport_size({"width": 1280, "height": 2000})
    page.screenshot(path=str(artifacts_dir / "portal-calculator.png"))

    # The citizen portal has no staff console: its navigation lists chat and calculators only.
    nav = page.locator('[data-testid="stPageLink"]').all_inner_texts()
    assert "热线工作台" not in nav and "政策计算器" in nav
    page.goto(f"{portal_url}/staff")
    page.locator(CHAT_INPUT).or_(page.get_by_text("Page not found")).first.wait_for(timeout=60_000)
    assert page.get_by_role("textbox", name="密码").count() == 0


def test_staff_console_on_its_own_port_with_citizen_text_escaped(browser, staff_url, artifacts_dir):
    from assistant.service import get_assistant

    store = get_assistant().store
    store.log_answer({"id": "b" * 32, "question": "![](https://x.example/p.png)[点此领钱](https://evil.example/)怎么领",
                      "status": "declined", "declined": True, "answer": "未覆盖", "created_at": 2.0})
    store.add_feedback("b" * 32, -1, "**加粗**<img src=x> https://evil.example/pay [链接](https://evil.example/)")
    page = browser.new_page(viewport={"width": 1440, "height": 1300})
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(staff_url)
    page.get_by_role("textbox", name="用户名").fill(STAFF_USER)
    page.get_by_role("textbox", name="密码").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("textbox", name="查询（输入群众的问题或关键词）").fill("创业担保贷款展期")
    page.get_by_role("button", name="检索").click()
    page.locator(".pd-passage mark").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stCode"]').first.wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "portal-staff-search.png"))

    # Turn the standard reply into an approved answer and save it in the 口径库.
    page.get_by_role("button", name="以此答复新建口径").click()
    # The click reruns the script; a tab clicked mid-rerun is reset, so click until it holds.
    question = page.get_by_role("textbox", name="问题")
    deadline = time.monotonic() + 60
    while True:
        page.get_by_role("tab", name="口径库").click()
        try:
            question.wait_for(timeout=5_000)
            if question.input_value() == "创业担保贷款展期":
                break
        except Exception:
            pass
        assert time.monotonic() < deadline, "the saved search never reached the 口径库 form"
        page.wait_for_timeout(500)
    page.get_by_role("button", name="保存口径").click()
    page.get_by_text("已保存。").wait_for(timeout=30_000)
    # The library below the message is drawn after it, in the same rerun.
    page.get_by_role("button", name="停用").first.wait_for(timeout=30_000)
    assert page.get_by_role("button", name="停用").count() == 1
    page.screenshot(path=str(artifacts_dir / "portal-staff-faq.png"))

    page.get_by_role("tab", name="对话记录").click()
    page.get_by_text("选择一条对话").or_(page.get_by_text("还没有对话记录")).first.wait_for(timeout=10_000)

    # The worklist shows the hostile question and comment as typed: no image, no link.
    page.get_by_role("tab", name="待处理").click()
    item = page.locator('[data-testid="stExpander"]').filter(has_text="点此领钱").first
    item.wait_for(timeout=30_000)
    item.locator("summary").click()
    item.get_by_text("加粗", exact=False).first.wait_for(timeout=10_000)
    shown = item.inner_text().replace("\u2060", "")
    assert "![](https://x.example/p.png)[点此领钱](https://evil.example/)" in shown
    assert "**加粗**<img src=x>" in shown and "[链接](https://evil.example/)" in shown
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('img[src*="x.example"], img[src="x"]').count() == 0
    assert main.locator('a[href*="evil.example"]').count() == 0
    assert main.locator("strong", has_text="加粗").count() == 0
    assert not [u for u in requested if "x.example" in u or "evil.example" in u]
    page.screenshot(path=str(artifacts_dir / "portal-staff-worklist.png"))

ENGLISH_NAMES = ("Send message", "Help for", "Expand sidebar", "Collapse sidebar", "Sidebar", "App pages",
                 "Link to heading", "Increment", "Decrement", " icon")


def _english_names(page) -> list[str]:
    return page.evaluate("""(words) => [...document.querySelectorAll('[aria-label],[title]')]
      .map(e => e.getAttribute('aria-label') || e.getAttribute('title'))
      .filter(v => words.some(w => v.includes(w)))""", list(ENGLISH_NAMES))


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_portal_speaks_chinese_stays_on_this_machine_and_passes_axe(browser, portal_url, artifacts_dir):
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = ctx.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(portal_url)
    page.locator(CHAT_INPUT).wait_for(timeout=60_000)
    page.wait_for_function("document.documentElement.lang === 'zh-CN'", timeout=30_000)
    # Navigation is a row of labelled links on a phone, not an unlabelled arrow.
    nav = page.locator('[data-testid="stPageLink"]')
    assert {"政策问答", "政策计算器"} <= set(nav.all_inner_texts())
    assert all(b["y"] < 200 for b in (nav.nth(i).bounding_box() for i in range(nav.count())))
    page.wait_for_timeout(500)
    assert _english_names(page) == []
    assert _serious(page) == []

    answer, _ = _ask(page, "爱心消费券每人多少钱")
    # citation 2's marker, wherever it stands (an ended measure's notice comes first)
    marker = answer.locator('a.pd-mk[data-n="2"]').first
    if not marker.is_visible():   # further quotes fold behind 展开 under the answer line
        answer.locator("details.pd-more > summary").first.click()
    marker.click()
    opened = answer.locator(".pd-cite").nth(1).locator("details")
    page.wait_for_function("d => d.open", arg=opened.element_handle(), timeout=5_000)
    assert _english_names(page) == []
    assert _serious(page) == []
    page.screenshot(path=str(artifacts_dir / "portal-citation-phone.png"))

    href = answer.locator(".pd-cite").nth(1).locator("a.pd-doc").get_attribute("href")
    doc = ctx.new_page()
    doc.on("request", lambda r: urls.append(r.url))
    doc.goto(portal_url + href)
    mark = doc.locator("#cite mark")
    mark.wait_for(timeout=60_000)
    doc.wait_for_timeout(800)
    assert 0 <= mark.bounding_box()["y"] < PHONE["height"], "the cited words are scrolled into view"
    assert _serious(doc) == []
    doc.screenshot(path=str(artifacts_dir / "portal-document-phone.png"))

    calc = ctx.new_page()
    calc.on("request", lambda r: urls.append(r.url))
    calc.goto(f"{portal_url}/calculators")
    calc.get_by_text("选择计算器").wait_for(timeout=60_000)
    calc.locator('[data-testid="stSelectbox"]').first.click()
    calc.get_by_role("option", name="失业保险金").click()
    years = calc.get_by_role("textbox", name="累计缴费年限（年）（必填）")
    years.fill("-3")
    assert years.evaluate("e => e.validationMessage") == ""        # no English browser tooltip
    calc.get_by_role("button", name="计算").click()
    error = calc.locator('[data-testid="stAlert"]').filter(has_text="不能为负数")
    error.wait_for(timeout=30_000)
    assert "缺少" not in error.inner_text()
    assert _english_names(calc) == []
    assert _serious(calc) == []
    calc.screenshot(path=str(artifacts_dir / "portal-calculator-negative.png"))

    hosts = {u.split("/")[2] for u in urls if u.startswith("http")}
    assert hosts == {portal_url.split("/")[2]}, hosts
    favicon = page.evaluate("document.querySelector('link[rel~=icon]').href")
    assert favicon.startswith(portal_url)
    ctx.close()
