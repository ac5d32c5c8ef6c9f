"""The staff API for documents (scripts of the bureau): add → preview → edit → publish →
the document answers citizens → retire → it no longer does; bad input is a 4xx with a
Chinese message naming the field; every change is in the audit log under the account."""
from __future__ import annotations

import pytest

from doc_samples import NOTICE, QUESTION, TITLE, docx_with_table

META = {"title": TITLE, "publisher": "山西省人力资源和社会保障厅", "date": "2026-02-10", "kind": "通知"}


def _cited(api, question: str, today: str = "2026-04-01") -> set[str]:
    body = api.post("/api/ask", json={"question": question, "today": today}).json()
    return {c["doc_id"] for c in body.get("citations", [])}


def _add(api, data: bytes, name: str, **meta):
    return api.post("/api/staff/docs", files={"file": (name, data)}, data=meta)


def test_without_a_staff_account_the_document_api_is_closed(api):
    api.auth = None
    r = api.get("/api/staff/docs")
    assert r.status_code == 401 and "工作人员账号" in r.json()["error"]
    api.auth = ("wang.clerk", "wrong-password-here")
    r = api.post("/api/staff/docs", data={"text": NOTICE})
    assert r.status_code == 401 and "用户名或密码不正确" in r.json()["error"]


def test_upload_preview_edit_publish_answer_retire(api):
    from assistant.service import get_assistant

    # add: a draft with a preview of the cleaned text, the structure and the chunks
    r = _add(api, NOTICE.encode("utf-8"), "grad-subsidy-2026.txt")
    assert r.status_code == 201, r.text
    added = r.json()
    doc_id, preview = added["doc_id"], added["preview"]
    assert added["status"] == "draft" and doc_id == "grad-subsidy-2026"
    assert "现就有关事项通知如下。" in preview["text"]          # the line wrap joined
    assert preview["cleaning"]["joined_wraps"] >= 5
    assert [i["text"][:4] for i in preview["structure"]["items"]] == ["一、补贴", "二、补贴", "三、申领", "四、申领"]
    assert preview["chunks"] and all(preview["text"][c["start"]:c["end"]] == c["text"] for c in preview["chunks"])
    # metadata guessed from the text
    assert preview["suggested"] == {"title": TITLE, "date": "2026-02-10", "publisher": "山西省人力资源和社会保障厅"}
    assert "一、补贴对象" in preview["text"].split("\n")      # a heading is not joined to its text

    # a draft is listed, not answerable
    rows = {r["doc_id"]: r for r in api.get("/api/staff/docs", params={"status": "draft"}).json()["documents"]}
    assert rows[doc_id]["status_zh"] == "草稿"
    assert doc_id not in _cited(api, QUESTION)

    # edit: publisher and date, then the validity from the text's own words
    r = api.patch(f"/api/staff/docs/{doc_id}", json={**META, "valid_from": "2026-03-01", "valid_until": "2026-06-30",
                                                     "validity_quote": "申领时间为2026年3月1日至2026年6月30日"})
    assert r.status_code == 200, r.text

    # publish (waits): answerable as soon as it returns
    r = api.post(f"/api/staff/docs/{doc_id}/publish")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "published" and r.json()["job"]["state"] == "done"
    assert r.json()["job"]["percent"] == 100
    assert doc_id in _cited(api, QUESTION)
    row = next(d for d in api.get("/api/staff/docs", params={"today": "2026-04-01"}).json()["documents"]
               if d["doc_id"] == doc_id)
    assert row["status_zh"] == "已发布" and row["chunks"] == len(preview["chunks"]) and row["citations_served"] >= 1

    # after its end date, the answer says so first
    body = api.post("/api/ask", json={"question": QUESTION, "today": "2026-09-01"}).json()
    assert doc_id in {c["doc_id"] for c in body["citations"]}, body["answer"]
    first_line = body["answer"].split("\n", 1)[0]
    assert any(w in first_line for w in ("已结束", "已失效", "已截止")) and "2026-06-30" in first_line.replace(
        "2026年6月30日", "2026-06-30"), body["answer"]
    row = next(d for d in api.get("/api/staff/docs", params={"today": "2026-09-01"}).json()["documents"]
               if d["doc_id"] == doc_id)
    assert row["status_zh"] == "已失效"

    # retire: kept and marked, never cited again
    r = api.post(f"/api/staff/docs/{doc_id}/retire", json={"reason": "补贴已发放完毕"})
    assert r.status_code == 200 and r.json()["status"] == "retired", r.text
    assert doc_id not in _cited(api, QUESTION)
    assert api.get(f"/api/staff/docs/{doc_id}").json()["status_zh"] == "已撤下"

    actions = [(a["action"], a["actor"]) for a in get_assistant().store.audit_list() if a.get("target") == doc_id]
    for action in ("doc_add", "doc_update", "doc_publish", "doc_retire"):
        assert (action, "wang.clerk") in actions, actions


def test_docx_with_a_table_reads_row_by_row(api, tmp_path):
    r = _add(api, docx_with_table(None), "pension-2026.docx")
    assert r.status_code == 201, r.text
    text = r.json()["preview"]["text"]
    assert "60至69周岁｜每人每月150元｜每人每月170元" in text
    assert text.index("具体标准见下表") < text.index("70周岁以上") < text.index("按时足额发放")


def test_paste_with_metadata_and_publish_at_once(api):
    r = api.post("/api/staff/docs", data={"text": NOTICE, "publish": "true", **META})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "published"
    assert r.json()["doc_id"] in _cited(api, QUESTION)


@pytest.mark.parametrize("field, value, words", [
    ("date", "2026-02-30", "“发布日期”2026-02-30 是不存在的日期"),
    ("valid_until", "2026-13-01", "“截止日期”2026-13-01 是不存在的日期（没有13月）"),
    ("date", "去年春天", "“发布日期”格式不对"),
])
def test_impossible_dates_are_refused_naming_the_field(api, field, value, words):
    r = api.post("/api/staff/docs", data={"text": NOTICE, field: value})
    assert 400 <= r.status_code < 500 and words in r.json()["error"], r.text
    assert r.json()["field"] == field


def test_valid_until_before_valid_from_is_refused(api):
    doc_id = api.post("/api/staff/docs", data={"text": NOTICE}).json()["doc_id"]
    r = api.patch(f"/api/staff/docs/{doc_id}", json={"valid_from": "2026-03-01", "valid_until": "2026-01-01"})
    assert r.status_code == 400 and "早于" in r.json()["error"] and r.json()["field"] == "valid_until"


def test_publish_needs_title_publisher_and_date(api):
    doc_id = api.post("/api/staff/docs", data={"text": "各地要做好就业服务工作。\n\n这是一段没有标题日期的正文，用于测试。"}).json()["doc_id"]
    r = api.post(f"/api/staff/docs/{doc_id}/publish")
    assert r.status_code == 400 and "发布前请填写" in r.json()["error"]


def test_wrong_extension_and_not_text(api):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    r = _add(api, png, "notice.png")
    assert r.status_code == 415 and "不支持的文件类型 .png" in r.json()["error"] and "图片" in r.json()["error"]
    r = _add(api, png, "notice.txt")        # a picture named .txt
    assert r.status_code == 422 and "不是文字" in r.json()["error"], r.text
    r = _add(api, NOTICE.encode("utf-8"), "notice.docx")   # text named .docx
    assert r.status_code == 422 and "不是有效的 DOCX" in r.json()["error"], r.text
    r = _add(api, b"", "empty.txt")
    assert r.status_code == 400 and "是空的" in r.json()["error"]


def test_a_50_mb_file_is_refused_before_it_is_read(api):
    r = _add(api, b"a" * (50 * 1024 * 1024), "big.pdf")
    assert r.status_code == 413 and "文件太大" in r.json()["error"] and "20 MB" in r.json()["error"]


def test_duplicate_offers_replace_and_replace_retires_the_old_version(api):
    first = api.post("/api/staff/docs", data={"text": NOTICE, "publish": "true", **META}).json()["doc_id"]
    again = NOTICE.replace("\n", "\n\n").encode("utf-8")    # the same text, spaced differently
    r = _add(api, again, "copy.txt")
    assert r.status_code == 409 and r.json()["duplicate_of"] == first and "替换" in r.json()["error"]
    # replace it with a new version (the old one retired in the same run)
    new = NOTICE.replace("每人一次性2000元", "每人一次性2500元")
    r = api.post("/api/staff/docs", data={"text": new, "replaces": first, "publish": "true", **META})
    assert r.status_code == 201, r.text
    second = r.json()["doc_id"]
    rows = {d["doc_id"]: d for d in api.get("/api/staff/docs").json()["documents"]}
    assert rows[first]["status"] == "retired" and rows[first]["replaced_by"] == second
    assert rows[second]["lineage"] == [first]
    cited = _cited(api, QUESTION)
    assert second in cited and first not in cited


def test_unknown_document_and_job_are_404(api):
    assert api.post("/api/staff/docs/no-such-doc/publish").status_code == 404
    assert api.get("/api/staff/jobs/0123456789abcdef").status_code == 404
