"""The hotline staff console: passage search with highlights, a copyable standard reply,
the Answer record of any logged conversation, the worklist, and the 口径库."""
from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import date

import streamlit as st

from assistant import render as answer_render
from assistant.staff import StaffAccounts
from policydesk.errors import PolicydeskError
from portal import render, resources, text as T, widgets

log = logging.getLogger("policydesk.portal")
SEARCH_FETCH = 40   # passages fetched for an unfiltered search (the most a clerk may ask for)
FILTERED_FETCH = 600  # fetched when a filter is on: the statutes outnumber any one publisher


def render_page() -> None:
    """The console: its own Streamlit app (staff_app.py, on its own port), never a page of
    the citizen portal, so a deployment can keep it off the public network."""
    widgets.page_css()
    st.title(f":material/support_agent: {T.STAFF_TITLE}")
    store = resources.store_or_none()
    if store is None:
        return
    accounts = StaffAccounts.from_settings(store, resources.settings())
    if not accounts.has_accounts():
        st.warning(T.STAFF_DISABLED, icon=":material/lock:")
        return
    ss = st.session_state
    user = ss.get("staff_user")
    if user:   # an account disabled or locked meanwhile ends its sessions at the next click
        row = store.staff_get(user)
        if not row or not row.get("active"):
            ss.pop("staff_user", None)
            user = None
    if not user:
        _login(accounts)
        return
    with st.sidebar:
        st.caption(T.STAFF_SIGNED_IN.format(name=render.markdown_escape(ss.get("staff_name") or user)))
        st.button(T.STAFF_LOGOUT, on_click=_logout, width="stretch")
    search_tab, log_tab, work_tab, faq_tab = st.tabs(list(T.STAFF_TABS))
    with search_tab:
        _search_tab()
    with log_tab:
        _log_tab()
    with work_tab:
        _worklist_tab()
    with faq_tab:
        _faq_tab()


def actor() -> str:
    """The signed-in staff member, for the audit log and the 口径库's author field."""
    return st.session_state.get("staff_user") or "-"


def _login(accounts: StaffAccounts) -> None:
    with st.form("staff_login"):
        username = st.text_input(T.STAFF_USERNAME, key="staff_username_input", max_chars=64)
        password = st.text_input(T.STAFF_PASSWORD, type="password", key="staff_password_input", max_chars=256)
        if st.form_submit_button(T.STAFF_LOGIN, type="primary"):
            result = accounts.sign_in(username, password)
            if result.ok:
                st.session_state["staff_user"] = result.username
                st.session_state["staff_name"] = result.display_name
                st.rerun()
            else:
                st.error(result.message)


def _logout() -> None:
    user = st.session_state.pop("staff_user", None)
    st.session_state.pop("staff_name", None)
    if user:
        try:
            resources.assistant_store().audit(user, "logout")
        except Exception:  # noqa: BLE001 - signing out must work even if the audit write fails
            log.warning("portal: could not audit a logout")


# -- search ---------------------------------------------------------------------------------
def _search_tab() -> None:
    ss = st.session_state
    with st.form("staff_search_form", border=False):
        c1, c2 = st.columns([4, 1])
        query = c1.text_input(T.SEARCH_BOX, key="staff_query", placeholder=T.SEARCH_PLACEHOLDER,
                              max_chars=resources.settings().max_question_chars)
        k = c2.number_input(T.SEARCH_K, min_value=1, max_value=SEARCH_FETCH, value=8, key="staff_k")
        submitted = st.form_submit_button(T.SEARCH_BUTTON, type="primary")
    if submitted:
        ss["staff_results"] = _run_search(query)
    results = ss.get("staff_results")
    docs = resources.documents()
    picked_docs, picked_pubs, date_range = _filters(docs)
    if not results:
        return
    if results.get("error"):
        st.error(results["error"])
        return
    filtering = bool(picked_docs or picked_pubs) or _narrows(date_range, docs)
    if filtering and not results.get("wide"):
        # the filters apply to a wider candidate list, fetched once per query
        wide = _run_search(results["query"], FILTERED_FETCH, with_reply=False)
        if wide.get("passages") is not None:
            results = {**results, "passages": wide["passages"], "wide": True}
            ss["staff_results"] = results
    passages = [p for p in results["passages"] if _keep(p, picked_docs, picked_pubs, date_range)][:int(k)]
    reply = results.get("reply")
    if reply:
        _reply_box(results["query"], reply)
    st.caption(T.SEARCH_COUNT.format(n=len(passages)))
    if not passages:
        st.info(T.SEARCH_NONE)
    terms = results.get("terms") or []
    picked = ss.setdefault("faq_picked", {})
    for rank, p in enumerate(passages, 1):
        c = p.get("citation") or {}
        with st.container(border=True):
            st.markdown(T.SEARCH_HIT.format(rank=rank, score=f"{float(p.get('score') or 0):.4f}",
                                            title=render.markdown_escape(c.get("title", "")),
                                            publisher=render.markdown_escape(c.get("publisher", "")),
                                            date=render.markdown_escape(c.get("date", ""))))
            st.markdown(f'<div class="pd-passage">{answer_render.highlight_terms(p.get("text", ""), terms)}</div>',
                        unsafe_allow_html=True)
            cid = _citation_id(c)
            label = (":material/check_box: " if cid in picked else ":material/add: ") + T.SEARCH_PICK
            st.button(label, key=f"pick_{rank}_{cid}", on_click=_toggle_pick, args=(c,))


def _narrows(date_range, docs) -> bool:
    """Whether the date filter leaves out any document's date."""
    if not (isinstance(date_range, (tuple, list)) and len(date_range) == 2):
        return False
    dates = [d for d in (_as_date(x.date) for x in docs if x.date) if d]
    return bool(dates) and (date_range[0] > min(dates) or date_range[1] < max(dates))


def _run_search(query: str, k: int = SEARCH_FETCH, with_reply: bool = True) -> dict:
    query = (query or "").strip()
    assistant = resources.assistant_or_none()
    if assistant is None:
        return {}
    try:
        found = assistant.search(query, k=k)
    except PolicydeskError as exc:
        return {"error": exc.message_zh}
    except Exception:  # noqa: BLE001
        log.exception("portal: staff search failed")
        return {"error": T.INTERNAL_ERROR}
    try:
        terms = render.query_terms(query, assistant.searcher.query_tokens)
    except Exception:  # noqa: BLE001 - highlighting falls back to a simple split
        terms = render.query_terms(query)
    out = {"query": query, "passages": found["passages"], "terms": terms}
    if not with_reply:
        return out
    try:
        # A fresh session each time: a lookup must not continue some earlier dialog.
        answer = assistant.ask(query, session_id=f"staff-{uuid.uuid4().hex}", channel="staff",
                               log=False)
        out["reply"] = answer.to_dict()
    except PolicydeskError as exc:
        out["reply"] = {"answer": exc.message_zh, "status": "error", "citations": []}
    except Exception:  # noqa: BLE001
        log.exception("portal: staff reply failed")
    return out


def _filters(docs: list):
    with st.expander("筛选", expanded=False):
        titles = {d.doc_id: d.title for d in docs}
        picked_docs = st.multiselect(T.FILTER_DOCS, list(titles), format_func=titles.get,
                                     key="staff_filter_docs")
        publishers = sorted({d.publisher for d in docs if d.publisher})
        picked_pubs = st.multiselect(T.FILTER_PUBLISHERS, publishers, key="staff_filter_pubs")
        dates = sorted(d.date for d in docs if d.date)
        date_range = ()
        if dates:
            lo, hi = _as_date(dates[0]), _as_date(dates[-1])
            if lo and hi:
                date_range = st.date_input(T.FILTER_DATES, value=(lo, hi), key="staff_filter_dates")
    return picked_docs, picked_pubs, date_range


def _as_date(s: str):
    try:
        return date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def _keep(p: dict, docs, pubs, date_range) -> bool:
    c = p.get("citation") or {}
    if docs and c.get("doc_id") not in docs:
        return False
    if pubs and c.get("publisher") not in pubs:
        return False
    if isinstance(date_range, (tuple, list)) and len(date_range) == 2:
        d = _as_date(c.get("date") or "")
        if d and not (date_range[0] <= d <= date_range[1]):
            return False
    return True


def _reply_box(query: str, reply: dict) -> None:
    with st.container(border=True):
        st.markdown(f"**{T.REPLY_TITLE}**　`{T.STATUS_LABELS.get(reply.get('status'), reply.get('status'))}`")
        st.code(answer_render.standard_reply(reply), language=None, wrap_lines=True)
        st.caption(T.REPLY_HELP)
        st.button(T.REPLY_TO_FAQ, key="reply_to_faq", on_click=_draft_from_reply, args=(query, reply))
        with st.expander(T.REPLY_WHY):
            widgets.answer_record(reply)


def _citation_id(c: dict) -> str:
    raw = f"{c.get('doc_id')}:{c.get('start')}:{c.get('end')}:{c.get('statute')}:{c.get('article')}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def _toggle_pick(c: dict) -> None:
    picked = st.session_state.setdefault("faq_picked", {})
    cid = _citation_id(c)
    if cid in picked:
        del picked[cid]
    else:
        picked[cid] = c


def _draft_from_reply(query: str, reply: dict) -> None:
    ss = st.session_state
    ss["faq_q"] = query
    ss["faq_a"] = reply.get("answer") or ""
    ss["faq_picked"] = {_citation_id(c): c for c in reply.get("citations") or []}
    ss["faq_editing"] = None


# -- conversations --------------------------------------------------------------------------
def _log_tab() -> None:
    store = resources.store_or_none()
    if store is None:
        return
    statuses = [""] + list(T.STATUS_LABELS)
    c1, c2 = st.columns([1, 2])
    status = c1.selectbox(T.LOG_FILTER_STATUS, statuses, key="log_status",
                          format_func=lambda s: T.STATUS_LABELS.get(s, T.LOG_ALL) if s else T.LOG_ALL)
    typed = c2.text_input(T.LOG_BY_ID, key="log_id").strip()
    rows = store.list_conversations(status=status or None, limit=200)
    if typed:
        record = store.get_conversation(typed)
        if record is None:
            st.warning(T.LOG_NOT_FOUND.format(id=render.markdown_escape(typed[:64])))
            return
        widgets.answer_record(record)
        return
    if not rows:
        st.info(T.LOG_EMPTY)
        return
    labels = {r["id"]: f"{render.when(r['created_at'])}　{r.get('channel') or ''}　"
                       f"{T.STATUS_LABELS.get(r['status'], r['status'])}　{r['question'][:40]}"
              for r in rows}
    chosen = st.selectbox(T.LOG_PICK, list(labels), format_func=labels.get, key="log_pick")
    record = store.get_conversation(chosen) if chosen else None
    if record:
        widgets.answer_record(record)


# -- worklist -------------------------------------------------------------------------------
def _worklist_tab() -> None:
    store = resources.store_or_none()
    if store is None:
        return
    st.subheader(T.WORK_TITLE)
    st.caption(T.WORK_INTRO)
    groups = store.worklist_groups(limit=100)
    if not groups:
        st.info(T.WORK_EMPTY)
        return
    for n, group in enumerate(groups):
        counts = []
        if group["declined"]:
            counts.append(T.WORK_DECLINED_N.format(n=group["declined"]))
        if group["thumbs_down"]:
            counts.append(T.WORK_THUMBS_DOWN_N.format(n=group["thumbs_down"]))
        # Citizen text is escaped before it meets Markdown: a question or comment cannot
        # load an image or draw a link in the staff browser.
        label = T.WORK_GROUP.format(count=group["count"], question=render.markdown_escape(group["question"][:60]),
                                    counts="，".join(counts), when=render.when(group["last_at"]))
        with st.expander(label):
            if len(group["questions"]) > 1:
                st.markdown(T.WORK_WORDINGS)
                for q in group["questions"][:10]:
                    st.markdown("- " + render.markdown_escape(q))
            for comment in group["comments"]:
                st.markdown(T.WORK_COMMENT.format(comment=render.markdown_escape(comment)))
            st.button(T.WORK_WRITE_FAQ, key=f"work_faq_{n}", on_click=_draft_from_question,
                      args=(group["question"],))
            if st.toggle(T.WORK_SHOW_RECORD, key=f"work_rec_{n}"):
                record = store.get_conversation(group["answer_ids"][0])
                if record:
                    widgets.answer_record(record)


def _draft_from_question(question: str) -> None:
    ss = st.session_state
    ss["faq_q"] = question
    ss["faq_a"] = ""
    ss["faq_editing"] = None


# -- approved answers (口径库) ----------------------------------------------------------------
def _faq_tab() -> None:
    ss = st.session_state
    store = resources.store_or_none()
    if store is None:
        return
    st.subheader(T.FAQ_TITLE)
    st.caption(T.FAQ_INTRO)
    ss.setdefault("faq_q", "")
    ss.setdefault("faq_a", "")
    ss.setdefault("faq_picked", {})
    editing = ss.get("faq_editing")
    if editing:
        st.info(T.FAQ_EDITING.format(question=render.markdown_escape(ss.get("faq_q", "")[:40])))
        st.button(T.FAQ_NEW, key="faq_new", on_click=_faq_reset)
    st.markdown(f"**{T.FAQ_CITATIONS}**")
    picked = ss["faq_picked"]
    if not picked:
        st.caption(T.FAQ_NO_CITATIONS)
    for cid, c in list(picked.items()):
        cols = st.columns([6, 1])
        cols[0].markdown(f"- {render.markdown_escape(answer_render.citation_label(c))}："
                         f"“{render.markdown_escape(answer_render.citation_quote(c)[:80])}”")
        cols[1].button(":material/close:", key=f"unpick_{cid}", on_click=_toggle_pick, args=(c,))
    with st.form("faq_form"):
        st.text_area(T.FAQ_QUESTION, key="faq_q", height=70, max_chars=resources.settings().max_question_chars)
        st.text_area(T.FAQ_ANSWER, key="faq_a", height=160, max_chars=4000)
        st.form_submit_button(T.FAQ_SAVE, type="primary", on_click=_faq_save)
    message = ss.pop("faq_message", None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text)

    show_retired = st.toggle(T.FAQ_SHOW_RETIRED, key="faq_show_retired")
    entries = store.faq_list(include_retired=show_retired)
    if not entries:
        st.info(T.FAQ_EMPTY)
    for e in entries:
        active = e["status"] == "active"
        with st.container(border=True):
            st.markdown(f"**{T.FAQ_ITEM.format(status=T.FAQ_ACTIVE if active else T.FAQ_RETIRED_LABEL, question=render.markdown_escape(e['question']))}**")
            st.text(e["answer"])
            for n, c in enumerate(e.get("citations") or [], 1):
                st.caption(f"\\[{n}\\] {render.markdown_escape(answer_render.citation_label(c))}："
                           f"“{render.markdown_escape(answer_render.citation_quote(c)[:80])}”")
            st.caption(T.FAQ_UPDATED.format(when=render.when(e.get("updated_at")),
                                            author=render.markdown_escape(e.get("author") or "")))
            if active:
                c1, c2 = st.columns(2)
                c1.button(T.FAQ_EDIT, key=f"faq_edit_{e['id']}", on_click=_faq_edit, args=(e,))
                c2.button(T.FAQ_RETIRE, key=f"faq_retire_{e['id']}", on_click=_faq_retire, args=(e["id"],))


def _faq_reset() -> None:
    ss = st.session_state
    ss["faq_q"], ss["faq_a"], ss["faq_picked"], ss["faq_editing"] = "", "", {}, None


def _faq_edit(entry: dict) -> None:
    ss = st.session_state
    ss["faq_q"], ss["faq_a"] = entry["question"], entry["answer"]
    ss["faq_picked"] = {_citation_id(c): c for c in entry.get("citations") or []}
    ss["faq_editing"] = entry["id"]


def _faq_save() -> None:
    ss = st.session_state
    try:
        store = resources.assistant_store()
        editing = ss.get("faq_editing")
        saved = store.faq_save(ss.get("faq_q", ""), ss.get("faq_a", ""), list(ss.get("faq_picked", {}).values()),
                               faq_id=editing, author=actor())
        store.audit(actor(), "faq_edit" if editing else "faq_create", saved,
                    detail={"question": ss.get("faq_q", "")[:200], "answer": ss.get("faq_a", "")[:500]})
    except PolicydeskError as exc:
        ss["faq_message"] = ("error", exc.message_zh)
        return
    except Exception:  # noqa: BLE001
        log.exception("portal: faq save failed")
        ss["faq_message"] = ("error", T.INTERNAL_ERROR)
        return
    _faq_reset()
    ss["faq_message"] = ("ok", T.FAQ_SAVED)


def _faq_retire(faq_id: str) -> None:
    ss = st.session_state
    try:
        store = resources.assistant_store()
        store.faq_retire(faq_id)
        store.audit(actor(), "faq_retire", faq_id)
        ss["faq_message"] = ("ok", T.FAQ_RETIRED)
    except Exception:  # noqa: BLE001
        log.exception("portal: faq retire failed")
        ss["faq_message"] = ("error", T.INTERNAL_ERROR)
    if ss.get("faq_editing") == faq_id:
        _faq_reset()
