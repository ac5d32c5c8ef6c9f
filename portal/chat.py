"""The citizen chat page: questions in, streamed cited answers out, with feedback."""
from __future__ import annotations

import html
import logging
import time
import uuid

import streamlit as st
from streamlit import config

from assistant import referrals, render as answer_render
from policydesk.errors import PolicydeskError
from portal import render, resources, text as T, widgets

log = logging.getLogger("policydesk.portal")
CHANNEL = "portal"


def is_embed() -> bool:
    """?embed=true: Streamlit keeps that parameter out of st.query_params and reports it
    through st.context.is_embedded (the query parameter is the fallback for test runners)."""
    try:
        if st.context.is_embedded:
            return True
    except Exception:  # noqa: BLE001 - older runtimes without the field
        pass
    return str(st.query_params.get("embed", "")).lower() in ("true", "1", "yes")


STREAM_PIECES = 60   # deltas per answer: visible typing, yet bounded for long answers
STREAM_DELAY_S = 0.02


def _stream(text: str):
    # Each delta re-renders the message in the browser, so long answers go in bigger pieces.
    delay = 0.0 if config.get_option("global.appTest") else STREAM_DELAY_S
    for piece in render.chunks(text, max(3, -(-len(text) // STREAM_PIECES))):
        if delay:
            time.sleep(delay)
        yield piece


def _ask_pending(question: str) -> None:
    st.session_state["pending_question"] = question


def _clear() -> None:
    st.session_state["messages"] = []
    st.session_state["session_id"] = uuid.uuid4().hex


def render_page() -> None:
    ss = st.session_state
    ss.setdefault("session_id", uuid.uuid4().hex)
    ss.setdefault("messages", [])
    embed = is_embed()
    widgets.page_css(embed)

    if not embed:
        st.title(T.CHAT_TITLE)
        st.caption(T.CHAT_INTRO)
    _scope_notice(expanded=not ss.messages and not embed)
    if ss.messages:
        st.button(T.CLEAR_CHAT, on_click=_clear, key="new_chat")

    docs_by_id = resources.documents_by_id()
    for i, msg in enumerate(ss.messages):
        with st.chat_message(msg["role"]):
            if msg["role"] == "user":
                st.markdown(render.markdown_safe(msg["content"]))
            else:
                _draw_answer(msg, docs_by_id, index=i, last=i == len(ss.messages) - 1)

    pending = ss.pop("pending_question", None)
    # Read the input first: the starters only show while nothing has been asked.
    prompt = st.chat_input(T.CHAT_PLACEHOLDER, max_chars=resources.settings().max_question_chars)
    question = (prompt or pending or "").strip()
    if not ss.messages and not question:
        _starters()
    if question:
        ss.messages.append({"role": "user", "content": question})
        with st.chat_message("user"):
            st.markdown(render.markdown_safe(question))
        with st.chat_message("assistant"):
            msg = _answer(question)
            # Kept before streaming: a new question typed meanwhile stops this run, and the
            # answer must still be in the history when the page redraws.
            ss.messages.append(msg)
            _draw_answer(msg, docs_by_id, index=len(ss.messages) - 1, stream=True, last=True)


def _scope_notice(expanded: bool) -> None:
    docs = resources.documents()
    st.info(T.SCOPE_NOTICE, icon=":material/description:")
    with st.expander(T.SCOPE_LIST_TITLE.format(n=len(docs)), expanded=expanded):
        if not docs:
            st.caption(T.SCOPE_NONE)
        lines = [T.SCOPE_ITEM.format(title=d.title, publisher=d.publisher, date=d.date)
                 for d in sorted(docs, key=lambda d: d.date, reverse=True)]
        if lines:
            st.markdown('<div class="pd-scope">' + "<br>".join(html.escape(x) for x in lines) + "</div>",
                        unsafe_allow_html=True)


def _starters() -> None:
    """The opening suggestions: from the catalog, the calculators and the 口径库."""
    try:
        questions = resources.assistant().suggestions()
    except Exception:  # noqa: BLE001 - no suggestions rather than no page
        log.warning("portal: no suggestions", exc_info=True)
        questions = []
    if not questions:
        return
    st.markdown(f"**{T.STARTERS_TITLE}**")
    cols = st.columns(2)
    for i, q in enumerate(questions):
        cols[i % 2].button(q, key=f"starter_{i}", on_click=_ask_pending, args=(q,),
                           width="stretch")


def _answer(question: str) -> dict:
    """Ask the assistant; every failure becomes a canned Chinese reply."""
    ss = st.session_state
    started = time.perf_counter()
    try:
        with st.spinner(T.THINKING):
            a = resources.assistant()
            answer = a.ask(question, session_id=ss["session_id"], channel=CHANNEL).to_dict()
    except PolicydeskError as exc:
        return {"role": "assistant", "answer": {"answer": exc.message_zh, "status": "error"}}
    except Exception:  # noqa: BLE001 - logged; the citizen gets an apology
        log.exception("portal: ask failed")
        return {"role": "assistant", "answer": {"answer": T.INTERNAL_ERROR, "status": "error"}}
    return {"role": "assistant", "answer": answer,
            "elapsed_ms": round((time.perf_counter() - started) * 1000)}


def _draw_answer(msg: dict, docs_by_id: dict, *, index: int, stream: bool = False, last: bool = False) -> None:
    """The answer as the renderer draws it for every screen: markers that open their
    citation, citations labelled by their own words with a link to the whole document,
    who to call; then the suggestions (under the latest answer) and the feedback."""
    ans = msg["answer"]
    status = ans.get("status")
    if status == "faq":
        st.success(T.FAQ_BADGE)
    elif ans.get("declined"):
        st.caption(T.DECLINED_BADGE)
    view = answer_render.answer_view(dict(ans, id=ans.get("id") or f"m{index}"), link=render.doc_page_link)
    body = st.empty()
    if stream:
        with body:
            st.write_stream(_stream(render.markdown_safe(ans.get("answer") or "")))
    body.markdown(view["body_html"] + view["citations_html"] + view["contacts_html"], unsafe_allow_html=True)
    if last and view["suggestions"]:
        st.markdown(f"**{T.SUGGESTIONS_TITLE}**")
        for n, q in enumerate(view["suggestions"]):
            st.button(q, key=f"follow_{index}_{n}", on_click=_ask_pending, args=(q,))
    if ans.get("id") and status != "error":
        _feedback(ans["id"])


def _feedback(answer_id: str) -> None:
    ss = st.session_state
    key = f"fb_{answer_id}"
    st.feedback("thumbs", key=key, on_change=_save_rating, args=(answer_id,))
    rating = ss.get(f"fb_saved_{answer_id}")
    if ss.get(f"fb_error_{answer_id}"):
        st.warning(T.FEEDBACK_FAILED.format(error=ss[f"fb_error_{answer_id}"]))
    if rating is None:
        return
    st.caption(T.FEEDBACK_THANKS_UP if rating > 0 else T.FEEDBACK_THANKS_DOWN)
    if rating < 0:   # 没用: the way to a person
        hotline = referrals.hotline_contact()
        st.markdown(f"**{T.HUMAN_TITLE}**")
        st.markdown(answer_render.contacts_html([hotline]), unsafe_allow_html=True)
    if ss.get(f"fb_commented_{answer_id}"):
        st.caption(T.FEEDBACK_COMMENT_THANKS)
        return
    with st.form(f"fbc_{answer_id}", border=False, clear_on_submit=True):
        comment = st.text_input(T.FEEDBACK_COMMENT, key=f"fbc_text_{answer_id}", max_chars=500)
        if st.form_submit_button(T.FEEDBACK_COMMENT_SEND) and comment.strip():
            if _store_feedback(answer_id, rating, comment.strip()):
                ss[f"fb_commented_{answer_id}"] = True
                st.caption(T.FEEDBACK_COMMENT_THANKS)


def _save_rating(answer_id: str) -> None:
    value = st.session_state.get(f"fb_{answer_id}")
    if value is None:
        return
    rating = 1 if value == 1 else -1   # st.feedback("thumbs"): 1 = 👍, 0 = 👎
    if _store_feedback(answer_id, rating, None):
        st.session_state[f"fb_saved_{answer_id}"] = rating


def _store_feedback(answer_id: str, rating: int, comment: str | None) -> bool:
    ss = st.session_state
    try:
        store = resources.assistant().store
        store.add_feedback(answer_id, rating, comment, session_id=ss.get("session_id"))
        ss.pop(f"fb_error_{answer_id}", None)
        return True
    except PolicydeskError as exc:
        ss[f"fb_error_{answer_id}"] = exc.message_zh
    except Exception as exc:  # noqa: BLE001
        log.exception("portal: feedback not stored")
        ss[f"fb_error_{answer_id}"] = type(exc).__name__
    return False
