"""The bureau's flow in a real browser (chromium via Playwright against `streamlit run
staff_app.py`): upload a notice → check the preview → fix the metadata → publish with the
progress bar → the hotline's search answers from it → retire → it is no longer cited."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from conftest import STAFF_PASSWORD, STAFF_USER
from test_portal_browser import browser, staff_url  # noqa: F401 - fixtures

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "documents"))
from doc_samples import NOTICE, QUESTION, TITLE  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]


def _tab(page, name: str, then) -> None:
    """Click a tab until ``then`` (a locator) shows: a click landing mid-rerun is reset."""
    deadline = time.monotonic() + 60
    while True:
        page.get_by_role("tab", name=name).click()
        try:
            then.first.wait_for(timeout=5_000)
            return
        except Exception:
            if time.monotonic() > deadline:
                page.screenshot(path=str(ARTIFACTS / "staff-docs-tab-failed.png"), full_page=True)
            assert time.monotonic() < deadline, f"tab {name} never showed {then}"
            page.wait_for_timeout(500)


def _settled(page) -> None:
    page.wait_for_function("""() => !document.querySelector('[data-testid^="stStatusWidgetRunning"]')""",
                           timeout=120_000)


def _login(page) -> None:
    page.get_by_role("textbox", name="用户名").fill(STAFF_USER)
    page.get_by_role("textbox", name="密码").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()


def _reply(page, question: str) -> str:
    _tab(page, "检索", page.get_by_role("textbox", name="查询（输入群众的问题或关键词）"))
    page.get_by_role("textbox", name="查询（输入群众的问题或关键词）").fill(question)
    page.get_by_role("button", name="检索", exact=True).click()
    page.locator('[data-testid="stCode"]').first.wait_for(timeout=120_000)
    _settled(page)
    return page.locator('[data-testid="stCode"]').first.inner_text()


def test_upload_preview_edit_publish_ask_retire(browser, staff_url, artifacts_dir, tmp_path):  # noqa: F811
    notice = tmp_path / "grad-subsidy-2026.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1440, "height": 1600})
    page.goto(staff_url)
    _login(page)
    _tab(page, "文档", page.get_by_role("button", name="读取并预览"))

    # upload → preview: the cleaned text (wraps joined, headings kept), structure, chunks
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(notice))
    try:
        page.locator('[data-testid="stFileUploader"]').get_by_text("2026.txt").first.wait_for(timeout=30_000)
    except Exception:
        page.screenshot(path=str(artifacts_dir / "staff-docs-upload-failed.png"), full_page=True)
        raise
    page.get_by_role("button", name="读取并预览").click()
    page.get_by_text("已读取为草稿 grad-subsidy-2026").wait_for(timeout=60_000)
    text = page.locator(".pd-doc-text").inner_text()
    assert "现就有关事项通知如下。" in text and "\n一、补贴对象\n" in text
    assert page.get_by_text("接续断行 6 处").count() == 1
    assert page.get_by_text("编号条目 4").count() == 1
    page.screenshot(path=str(artifacts_dir / "staff-docs-preview.png"), full_page=True)

    # metadata pre-filled from the text; an impossible date is refused in Chinese
    assert page.get_by_role("textbox", name="标题", exact=True).input_value() == TITLE
    assert page.get_by_role("textbox", name="发布单位", exact=True).input_value() == "山西省人力资源和社会保障厅"
    date = page.get_by_role("textbox", name="发布日期", exact=True)
    assert date.input_value() == "2026-02-10"
    date.fill("2026-02-30")
    page.get_by_role("textbox", name="文种", exact=True).fill("通知")
    page.get_by_role("button", name="保存修改").click()
    page.get_by_text("“发布日期”2026-02-30 是不存在的日期").wait_for(timeout=30_000)
    _settled(page)
    page.get_by_role("textbox", name="发布日期", exact=True).fill("2026-02-10")
    page.get_by_role("textbox", name="文种", exact=True).fill("通知")
    page.get_by_role("button", name="保存修改").click()
    page.get_by_text("已保存。").wait_for(timeout=30_000)
    _settled(page)

    # publish: a progress bar, then answerable
    started = time.perf_counter()
    page.get_by_role("button", name="发布", exact=True).click()
    page.locator('[data-testid="stProgress"]').first.wait_for(timeout=30_000)
    page.get_by_text("已发布：市民现在可以问到这份文档。").wait_for(timeout=180_000)
    publish_s = time.perf_counter() - started
    _settled(page)
    table = page.locator('[data-testid="stTable"]').inner_text()
    assert "grad-subsidy-2026" in table and "已发布" in table
    page.screenshot(path=str(artifacts_dir / "staff-docs-published.png"), full_page=True)

    reply = _reply(page, QUESTION)
    assert "2000元" in reply and "求职创业补贴" in reply, reply

    # retire: kept and marked, no longer cited
    _tab(page, "文档", page.get_by_role("textbox", name="撤下原因"))
    page.get_by_role("textbox", name="撤下原因").fill("补贴申领已结束")
    page.get_by_role("button", name="撤下", exact=True).click()
    page.get_by_text("已撤下：不再引用给市民").wait_for(timeout=180_000)
    _settled(page)
    assert "已撤下" in page.locator('[data-testid="stTable"]').inner_text()
    page.reload()               # a new session: no search results left from before
    _login(page)
    after = _reply(page, QUESTION)
    assert "每人一次性2000元" not in after, after
    (artifacts_dir / "staff-docs-timing.txt").write_text(f"publish in the browser: {publish_s:.1f} s\n",
                                                        encoding="utf-8")
