"""The citizen chat page, driven through Streamlit's AppTest against the real corpus."""
from __future__ import annotations

import html
import re

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


def test_question_gets_citations_labelled_by_their_words_with_the_document_highlighted(app):
    at = app()
    reply = ask(at, "爱心消费券每人多少钱")
    assert "1500" in text_of(reply)
    record = at.session_state["messages"][-1]["answer"]
    shown = "\n".join(m.value for m in reply.markdown)
    items = re.findall(r'<summary><span class="pd-cn">\[(\d+)\]</span> (.*?)</summary>', shown)
    assert [int(n) for n, _ in items] == list(range(1, len(record["citations"]) + 1)), "the answer shows no citation"
    for (_, label), citation in zip(items, record["citations"]):
        assert html.unescape(label).rstrip("…") in citation["quote"]    # its own words, not the title
    assert len({label for _, label in items}) == len(items)
    assert "山西日报" in shown and "2022-12-30" in shown
    # A marker [n] in the answer points at its citation; each citation links to the document page.
    assert re.search(r'<a class="pd-mk" href="#pd-[0-9a-f]+-c1"', shown)
    link = re.search(r'href="(/doc\?doc_id=[^"]+)"', shown).group(1)
    params = dict(p.split("=", 1) for p in html.unescape(link).split("?", 1)[1].split("#")[0].split("&"))
    assert params["doc_id"] == "love-vouchers-2022"

    at.switch_page("portal/pages/document.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    page = "\n".join(m.value for m in at.markdown)
    marked = re.search(r"<mark>(.*?)</mark>", page).group(1)
    assert html.unescape(marked) == record["citations"][0]["quote"]
    assert 'id="cite"' in page and len(page) > 3 * len(marked)      # the whole document, the quote in it
    assert at.title[0].value == "《我省再次为特困救助供养对象发放爱心消费券》"


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
    assert item and "没用 1" in item[0].label
    assert any("没说清楚怎么领" in m.value for m in item[0].markdown)


def test_thumbs_down_offers_the_hotline_as_a_tel_link_with_its_hours(app):
    at = app()
    ask(at, "居家办公期间工资怎么发")
    at.feedback[0].set_value(0).run()
    shown = "\n".join(m.value for m in at.markdown)
    assert "转人工" in shown and 'href="tel:12333"' in shown
    from assistant.messages import HOTLINE_HOURS

    assert HOTLINE_HOURS and HOTLINE_HOURS in shown


def test_follow_up_suggestions_follow_the_answer_and_ask_when_pressed(app):
    at = app()
    ask(at, "爱心消费券每人多少钱")
    follow = [b for b in at.button if (b.key or "").startswith("follow_")]
    assert 2 <= len(follow) <= 3
    assert all("爱心消费券每人多少钱" not in b.label for b in follow)
    question = follow[0].label
    follow[0].click().run()
    assert not at.exception
    users = [m for m in at.chat_message if m.name == "user"]
    assert question in users[-1].markdown[0].value


def test_out_of_scope_question_points_to_the_hotline_without_citations(app):
    at = app()
    reply = ask(at, "火车票怎么退")
    shown = text_of(reply)
    assert "12333" in shown and 'href="tel:12333"' in shown
    assert "pd-cites" not in shown


def test_a_tax_question_is_sent_to_the_tax_hotline(app):
    at = app()
    shown = text_of(ask(at, "个人所得税怎么退"))
    assert 'href="tel:12366"' in shown and "税务" in shown


def test_embed_mode_shows_only_the_chat(app):
    at = app(embedded=True)
    assert not at.title                     # no page title, no navigation
    assert at.chat_input                    # but the chat is there
    reply = ask(at, "爱心消费券每人多少钱")
    assert "1500" in text_of(reply)
