"""The citizen chat page, driven through Streamlit's AppTest against the real corpus."""
from __future__ import annotations

from conftest import STAFF_PASSWORD
from portal_helpers import ask, assistant_messages, button, login, text_of


def test_chat_lists_the_policy_texts_it_answers_from_and_the_hotline(app):
    at = app()
    notice = "\n".join(i.value for i in at.info)
    assert "12333" in notice
    listed = "\n".join(m.value for m in at.markdown)
    from policydesk.settings import get_settings
    from retrieval.documents import load_documents

    docs = load_documents(get_settings().index_dir)
    assert len(docs) >= 4
    for d in docs:
        assert d.title in listed and d.publisher in listed and d.date in listed


def test_question_gets_a_cited_answer_whose_quote_is_highlighted_in_its_paragraph(app):
    at = app()
    reply = ask(at, "爱心消费券每人多少钱")
    assert "1500" in text_of(reply)
    cites = reply.expander
    assert cites, "the answer shows no citation"
    assert cites[0].label.startswith("[1]")
    inside = "\n".join(m.value for m in cites[0].markdown)
    assert "<mark>" in inside and "</mark>" in inside
    assert "山西日报" in inside and "2022-12-30" in inside
    # The highlighted sentence sits inside more text of its paragraph, not alone.
    para = [m.value for m in cites[0].markdown if "<mark>" in m.value][0]
    assert len(para.replace("<mark>", "").replace("</mark>", "")) > len(para.split("<mark>")[1].split("</mark>")[0])


def test_starter_question_button_asks_it(app):
    at = app()
    starters = [b for b in at.button if b.key and b.key.startswith("starter_")]
    assert len(starters) >= 3
    question = starters[0].label
    starters[0].click().run()
    assert not at.exception
    users = [m for m in at.chat_message if m.name == "user"]
    assert users and question in users[-1].markdown[0].value
    assert assistant_messages(at)


def test_conversation_keeps_one_session_and_history_across_turns(app):
    at = app()
    ask(at, "爱心消费券每人多少钱")
    session = at.session_state["session_id"]
    ask(at, "失业保险基金省级统筹从什么时候开始")
    assert at.session_state["session_id"] == session
    assert len(assistant_messages(at)) == 2
    from assistant.service import get_assistant

    logged = get_assistant().store.list_conversations(session_id=session)
    assert len(logged) == 2 and {r["channel"] for r in logged} == {"portal"}


def test_thumbs_down_with_comment_lands_in_the_staff_worklist(app, staff_app):
    at = app()
    ask(at, "爱心消费券每人多少钱")
    at.feedback[0].set_value(0).run()   # 0 = 👎
    assert not at.exception
    comment = [t for t in at.text_input if (t.key or "").startswith("fbc_text_")]
    assert comment, "no comment box after 👎"
    comment[0].set_value("没说清楚怎么领")
    button(at, "发送意见").click().run()
    assert not at.exception
    from assistant.service import get_assistant

    store = get_assistant().store
    answer_id = at.session_state["messages"][-1]["answer"]["id"]
    assert any(w["id"] == answer_id and w["thumbs_down"] for w in store.worklist())
    assert {(f["rating"], f["comment"]) for f in store.list_feedback() if f["answer_id"] == answer_id} \
        >= {(-1, "没说清楚怎么领")}
    # Staff see the question and the comment in the console's worklist.
    console = login(staff_app(), STAFF_PASSWORD)
    item = [e for e in console.expander if "爱心消费券每人多少钱" in e.label]
    assert item and "差评" in item[0].label
    assert any("没说清楚怎么领" in m.value for m in item[0].markdown)


def test_out_of_scope_question_points_to_the_hotline_without_citations(app):
    at = app()
    reply = ask(at, "火车票怎么退")
    assert "12333" in text_of(reply)
    assert not reply.expander


def test_embed_mode_shows_only_the_chat(app):
    at = app(embedded=True)
    assert not at.title                     # no page title, no navigation
    assert at.chat_input                    # but the chat is there
    reply = ask(at, "爱心消费券每人多少钱")
    assert "1500" in text_of(reply)
