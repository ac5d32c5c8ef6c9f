"""The hotline staff console (its own app, staff_app.py): per-person sign-in, search with
highlights, records, worklist, 口径库."""
from __future__ import annotations

from conftest import STAFF_PASSWORD, STAFF_USER
from portal_helpers import ask, button, login, text_of


def test_console_without_accounts_says_how_to_make_one(staff_app):
    from assistant.service import get_assistant

    get_assistant().store.staff_update(STAFF_USER, active=False)
    at = staff_app()
    assert "policydesk staff add" in at.warning[0].value
    assert not at.tabs and not at.text_input


def test_wrong_password_is_refused(staff_app):
    at = login(staff_app(), "not-the-password")
    assert at.error and "用户名或密码不正确" in at.error[0].value
    assert not at.tabs


def test_five_wrong_passwords_lock_the_account_and_the_console_says_so(staff_app, monkeypatch):
    import assistant.staff

    monkeypatch.setattr(assistant.staff, "_delay", lambda failures: 0)   # the waits are tested elsewhere
    at = staff_app()
    for _ in range(5):
        login(at, "guess-guess-guess")
    assert "锁定" in at.error[0].value
    login(at, STAFF_PASSWORD)                     # the right password no longer opens it
    assert "锁定" in at.error[0].value and not at.tabs
    from assistant.service import get_assistant

    actions = [r["action"] for r in get_assistant().store.audit_list(actor=STAFF_USER)]
    assert actions.count("login_failed") == 5 and "lockout" in actions and "login_locked" in actions
    assert "login" not in actions


def test_hostile_markdown_in_citizen_text_is_escaped_in_the_console(staff_app):
    from assistant.service import get_assistant

    store = get_assistant().store
    hostile_q = "![](https://x.example/p.png)[点此](https://evil.example/)怎么领消费券"
    store.log_answer({"id": "a" * 32, "question": hostile_q, "status": "declined", "declined": True,
                      "answer": "未覆盖", "created_at": 1.0})
    store.add_feedback("a" * 32, -1, "**加粗** <img src=x onerror=alert(1)> [链接](https://evil.example/)")
    at = login(staff_app(), STAFF_PASSWORD)
    [item] = [e for e in at.expander if "点此" in e.label]
    assert "](" not in item.label.replace("\\]\\(", "") and "\\!\\[\\]\\(https" in item.label
    comment = next(m.value for m in item.markdown if "加粗" in m.value)
    assert "\\*\\*加粗\\*\\*" in comment and "\\<img" in comment and "\\[链接\\]\\(" in comment


def test_edits_are_written_to_the_audit_log_under_the_signed_in_person(staff_app):
    from assistant.service import get_assistant

    store = get_assistant().store
    at = login(staff_app(), STAFF_PASSWORD)
    at.text_area(key="faq_q").set_value("消费券在哪领？")
    at.text_area(key="faq_a").set_value("在云闪付App领取。")
    button(at, "保存口径").click().run()
    button(at, "停用").click().run()
    assert not at.exception
    rows = store.audit_list(actor=STAFF_USER)
    assert [r["action"] for r in rows][:3] == ["faq_retire", "faq_create", "login"]
    assert store.faq_list(include_retired=True)[0]["author"] == STAFF_USER


def test_a_disabled_account_is_signed_out_at_its_next_click(staff_app):
    from assistant.service import get_assistant
    from conftest import add_staff

    add_staff("wang.hotline", "another-password-1")
    at = login(staff_app(), STAFF_PASSWORD)
    assert at.tabs
    get_assistant().store.staff_update(STAFF_USER, active=False)
    at.run()
    assert not at.tabs and at.text_input(key="staff_password_input")


def _search(at, query: str):
    at.text_input(key="staff_query").set_value(query)
    button(at, "检索").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_search_ranks_passages_with_terms_marked_and_scores_and_a_copyable_reply(staff_app):
    at = _search(login(staff_app(), STAFF_PASSWORD), "创业担保贷款展期")
    hits = [m.value for m in at.markdown if m.value.startswith("**1.**") or "得分" in m.value]
    assert hits and "得分" in hits[0]
    passages = [m.value for m in at.markdown if 'class="pd-passage"' in m.value]
    assert passages and "<mark>" in passages[0]
    assert any("展期" in p for p in passages[:3])
    reply = at.code[0].value
    assert "依据" in reply and "《" in reply        # the cited answer, as plain text


def test_filters_by_publisher_keep_only_that_publisher(staff_app):
    at = _search(login(staff_app(), STAFF_PASSWORD), "就业")
    at.multiselect(key="staff_filter_pubs").set_value(["新华社"]).run()
    hits = [m.value for m in at.markdown if "得分" in m.value]
    assert hits and all("新华社" in h for h in hits)


def test_record_of_a_logged_conversation_shows_status_and_steps(app, staff_app):
    chat = app()
    ask(chat, "爱心消费券每人多少钱")
    answer_id = chat.session_state["messages"][-1]["answer"]["id"]
    at = login(staff_app(), STAFF_PASSWORD)
    at.text_input(key="log_id").set_value(answer_id).run()
    assert not at.exception
    status = next(m for m in at.metric if m.label == "状态")
    assert status.value == "已回答"
    from assistant.service import get_assistant

    recorded = [s["step"] for s in get_assistant().store.get_conversation(answer_id)["steps"]]
    shown = list(at.dataframe[0].value["step"])
    assert shown == recorded
    assert {"normalize", "understand", "retrieve", "compose", "guard"} <= set(shown)


def test_saved_approved_answer_takes_priority_in_chat_and_says_so(app, staff_app):
    """Needs the pipeline's FAQ step: staff save an entry, chat answers with it."""
    at = login(staff_app(), STAFF_PASSWORD)
    _search(at, "爱心消费券怎么领")
    button(at, "作为口径依据", contains=True).click().run()
    question = "爱心消费券在哪里领取使用？"
    approved = "请下载“云闪付”App注册登录后，在签约商超、便利店、电商选购使用；不会用手机的，由工作人员代购送货上门。"
    at.text_area(key="faq_q").set_value(question)
    at.text_area(key="faq_a").set_value(approved)
    button(at, "保存口径").click().run()
    assert not at.exception and at.success
    from assistant.service import get_assistant

    saved = get_assistant().store.faq_list()
    assert len(saved) == 1 and saved[0]["citations"], "the picked passage was not kept as a citation"

    chat = app()
    reply = ask(chat, question)
    shown = text_of(reply)
    assert "标准口径" in shown
    assert "云闪付" in shown and "代购送货上门" in shown


def test_retiring_an_entry_removes_it_from_the_active_library_and_survives_reload(staff_app):
    from assistant.service import get_assistant

    get_assistant().store.faq_save("试用期最长多久？", "按劳动合同期限确定。", [])
    at = login(staff_app(), STAFF_PASSWORD)
    assert any("试用期最长多久" in m.value for m in at.markdown)
    button(at, "停用").click().run()
    assert not at.exception
    assert get_assistant().store.faq_list() == []
    again = login(staff_app(), STAFF_PASSWORD)          # a new browser session
    at_toggle = again.toggle(key="faq_show_retired").set_value(True).run()
    assert any("已停用" in m.value and "试用期最长多久" in m.value for m in at_toggle.markdown)


def test_editing_an_entry_updates_it(staff_app):
    from assistant.service import get_assistant

    store = get_assistant().store
    faq_id = store.faq_save("消费券发多少？", "旧的口径", [])
    at = login(staff_app(), STAFF_PASSWORD)
    button(at, "编辑").click().run()
    assert at.text_area(key="faq_q").value == "消费券发多少？"
    at.text_area(key="faq_a").set_value("新的口径")
    button(at, "保存口径").click().run()
    entries = store.faq_list()
    assert [(e["id"], e["answer"]) for e in entries] == [(faq_id, "新的口径")]


def test_worklist_shows_declined_questions(app, staff_app):
    ask(app(), "火车票怎么退")
    at = login(staff_app(), STAFF_PASSWORD)
    assert any("火车票怎么退" in e.label for e in at.expander)
