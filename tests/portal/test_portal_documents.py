"""The staff console's Documents tab (AppTest of staff_app.py): the list with status,
validity, chunks and citations; paste → preview → metadata checked → publish → retire."""
from __future__ import annotations

from conftest import STAFF_PASSWORD
from portal_helpers import button, login

NOTICE = ("关于开展2026年度高校毕业生求职创业补贴申领工作的通知\n\n各市人力资源和社会保障局：\n"
          "求职创业补贴标准为每人一次性2000元，由毕业生所在高校统一代为申领。\n"
          "申领时间为2026年3月1日至2026年6月30日，逾期不再受理。\n\n山西省人力资源和社会保障厅\n2026年2月10日\n")


def _docs_table(at) -> list[dict]:
    [table] = [t for t in at.table]
    frame = table.value
    return frame.to_dict("records")


def test_documents_tab_lists_seed_articles_with_validity(staff_app):
    at = login(staff_app(), STAFF_PASSWORD)
    assert [s for s in at.selectbox if s.key == "docs_status"], [e.value for e in at.error]
    at.selectbox(key="docs_status").set_value("已失效")
    at.text_input(key="docs_query").set_value("")
    at.run()
    rows = _docs_table(at)
    # the 2022 voucher round ended in February 2023: it is listed as 已失效 today
    assert [r["编号"] for r in rows] == ["love-vouchers-2022"]
    assert rows[0]["有效期"] == "… 至 2023-02-28" and rows[0]["检索段落数"] > 0


def test_paste_preview_edit_publish_retire_in_the_console(staff_app):
    from assistant.service import get_assistant

    at = login(staff_app(), STAFF_PASSWORD)
    at.text_area(key="docs_paste").set_value(NOTICE)
    button(at, "读取并预览").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已读取为草稿" in s.value for s in at.success)
    shown = "\n".join(m.value for m in at.markdown)
    assert "每人一次性2000元" in shown and "清理后正文" in shown
    # the metadata form is pre-filled from the text
    title = [t for t in at.text_input if t.label == "标题"][0]
    assert title.value.startswith("关于开展2026年度高校毕业生求职创业补贴")
    date = [t for t in at.text_input if t.label == "发布日期"][0]
    assert date.value == "2026-02-10"
    # an impossible date is refused naming the field
    date.set_value("2026-02-30")
    button(at, "保存修改").click().run()
    assert any("“发布日期”2026-02-30 是不存在的日期" in e.value for e in at.error)
    date = [t for t in at.text_input if t.label == "发布日期"][0]
    date.set_value("2026-02-11")
    button(at, "保存修改").click().run()
    assert any("已保存" in s.value for s in at.success), [e.value for e in at.error]
    button(at, "发布").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已发布" in s.value for s in at.success), [e.value for e in at.error]
    doc_id = at.session_state["docs_selected"]
    store = get_assistant().store
    assert [a["action"] for a in store.audit_list(actor="li.hotline") if a.get("target") == doc_id][:3] == \
        ["doc_publish", "doc_update", "doc_add"]
    at.text_input(key=f"docs_reason_{doc_id}").set_value("补贴已发放完毕")
    button(at, "撤下").click().run()
    assert any("已撤下" in s.value for s in at.success), [e.value for e in at.error]


def test_a_duplicate_upload_offers_to_replace_and_bad_files_are_refused_in_chinese(staff_app):
    at = login(staff_app(), STAFF_PASSWORD)
    at.text_area(key="docs_paste").set_value(NOTICE)
    button(at, "读取并预览").click().run()
    first = at.session_state["docs_selected"]
    # the same text again: not added twice, offered as a replacement of the first
    at.text_area(key="docs_paste").set_value(NOTICE.replace("\n", "\n\n"))
    button(at, "读取并预览").click().run()
    assert any("内容相同，未重复添加" in w.value for w in at.warning), [w.value for w in at.warning]
    button(at, f"作为新版本替换文档 {first}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    second = at.session_state["docs_selected"]
    assert second != first
    from assistant.documents import DocumentService
    from assistant.service import get_assistant
    from policydesk.settings import get_settings

    record = DocumentService(get_settings(), get_assistant().store).registry.get(second)
    assert record.replaces == first and record.lineage == [first]
    # nothing to read
    button(at, "读取并预览").click().run()
    assert any("请上传文件或粘贴正文" in e.value for e in at.error)


def test_staff_search_marks_expired_and_retired_documents(staff_app):
    from assistant.documents import DocumentService
    from assistant.service import get_assistant
    from policydesk.settings import get_settings

    at = login(staff_app(), STAFF_PASSWORD)
    at.text_input(key="staff_query").set_value("爱心消费券 特困人员")
    button(at, "检索").click().run()
    hits = [m.value for m in at.markdown if "得分" in m.value]
    assert any("消费券" in h and "【已失效：2023-02-28 截止】" in h for h in hits), hits
    # retired: still found by staff, marked; citizens no longer get it
    service = DocumentService(get_settings(), get_assistant().store, get_assistant().services)
    assert service.retire("love-vouchers-2022", "li.hotline", "本轮已结束").state == "done"
    at = login(staff_app(), STAFF_PASSWORD)
    at.text_input(key="staff_query").set_value("爱心消费券 特困人员")
    button(at, "检索").click().run()
    hits = [m.value for m in at.markdown if "得分" in m.value]
    assert any("【已撤下：不再引用给市民】" in h for h in hits), hits
    passages = get_assistant().search("爱心消费券 特困人员", k=10)["passages"]
    assert "love-vouchers-2022" not in {p["citation"]["doc_id"] for p in passages}
