"""The staff console's Documents tab: the documents of the index and the drafts (status,
validity, chunks, citations served; filter and search), adding one (upload or paste) with
the preview a clerk checks (cleaned text, what cleaning did, structure, chunks), metadata
and validity edited and checked, publish with a progress bar, retire and replace. It calls
assistant.documents.DocumentService like `policydesk docs` and the staff API, so every
change is audited under the signed-in person."""
from __future__ import annotations

import html
import logging
import time
from datetime import date

import streamlit as st

from assistant.documents import STATUS_ZH, DocumentService, DuplicateDocumentError
from policydesk.errors import PolicydeskError
from portal import render, resources, text as T

log = logging.getLogger("policydesk.portal")
POLL_S = 0.4


def _service() -> DocumentService | None:
    assistant = resources.assistant_or_none()
    if assistant is None:
        return None
    return DocumentService(resources.settings(), assistant.store, getattr(assistant, "services", None))


def _actor() -> str:
    return st.session_state.get("staff_user") or "-"


def documents_tab() -> None:
    service = _service()
    if service is None:
        return
    ss = st.session_state
    if "docs_select_next" in ss:     # chosen by code (an upload, a deletion)
        ss["docs_selected"] = ss.pop("docs_select_next")
    notice = ss.pop("docs_notice", None)
    if notice:
        (st.success if notice[0] == "ok" else st.error)(notice[1])
    _add_section(service)
    st.divider()
    rows = _list_section(service)
    picked = ss.get("docs_selected")
    if picked:
        _detail(service, picked)


# -- list -------------------------------------------------------------------------------------
def _list_section(service: DocumentService) -> list[dict]:
    st.subheader(T.DOCS_LIST_TITLE)
    c1, c2, c3 = st.columns([3, 2, 2])
    query = c1.text_input(T.DOCS_FILTER_QUERY, key="docs_query", max_chars=100)
    status_label = c2.selectbox(T.DOCS_FILTER_STATUS, list(T.DOCS_STATUS_FILTER), key="docs_status")
    today = c3.date_input(T.DOCS_TODAY, value=date.today(), key="docs_today",
                          min_value=date(2000, 1, 1), max_value=date(2099, 12, 31), format="YYYY-MM-DD")
    rows = service.list(today, query=query, status=T.DOCS_STATUS_FILTER[status_label])
    if not rows:
        st.info(T.DOCS_NONE)
        return rows
    st.table([{
        T.DOCS_COL_ID: r["doc_id"],
        T.DOCS_COL_TITLE: r["title"],
        T.DOCS_COL_KIND: r["kind"] or "—",
        T.DOCS_COL_PUBLISHER: r["publisher"],
        T.DOCS_COL_DATE: r["date"],
        T.DOCS_COL_REGION: r["region"] or "—",
        T.DOCS_COL_STATUS: r["status_zh"] + ("（部分措施已结束）" if r.get("measures_ended") else ""),
        T.DOCS_COL_VALIDITY: _validity(r),
        T.DOCS_COL_CHUNKS: r["chunks"],
        T.DOCS_COL_CITED: r["citations_served"],
    } for r in rows])
    ids = [r["doc_id"] for r in rows]
    labels = {r["doc_id"]: f"{r['doc_id']}　{r['title']}（{r['status_zh']}）" for r in rows}
    ss = st.session_state
    if ss.get("docs_selected") not in ids:
        ss["docs_selected"] = None     # filtered out, or deleted
    # The selection lives in docs_selected and is given to the widget before it is drawn:
    # the widget alone would lose it when its labels change (a draft becomes 已发布).
    ss["docs_pick_box"] = ss["docs_selected"]
    st.selectbox(T.DOCS_PICK, ids, format_func=lambda i: labels.get(i, i), key="docs_pick_box",
                 placeholder=T.DOCS_PICK_PLACEHOLDER, on_change=_picked)
    return rows


def _picked() -> None:
    st.session_state["docs_selected"] = st.session_state.get("docs_pick_box")


def _validity(r: dict) -> str:
    if not (r["valid_from"] or r["valid_until"]):
        return "—"
    return f"{r['valid_from'] or '…'} 至 {r['valid_until'] or '…'}"


# -- add --------------------------------------------------------------------------------------
def _add_section(service: DocumentService) -> None:
    ss = st.session_state
    with st.expander(T.DOCS_ADD_TITLE, expanded=not ss.get("docs_selected"), icon=":material/upload_file:"):
        with st.form("docs_add_form", clear_on_submit=True):
            upload = st.file_uploader(T.DOCS_UPLOAD, key="docs_upload", help=T.DOCS_UPLOAD_HELP)
            pasted = st.text_area(T.DOCS_PASTE, key="docs_paste", height=120)
            submitted = st.form_submit_button(T.DOCS_READ, type="primary")
        if submitted:
            _add(service, upload.name if upload is not None else None,
                 upload.getvalue() if upload is not None else None, pasted if upload is None else None)
        dup = ss.get("docs_duplicate")
        if dup:
            st.warning(dup["message"], icon=":material/content_copy:")
            if st.button(T.DOCS_REPLACE.format(doc_id=dup["doc_id"]), key="docs_replace_button"):
                ss.pop("docs_duplicate", None)
                _add(service, dup["name"], dup["data"], dup["text"], replaces=dup["doc_id"])
                st.rerun()


def _add(service: DocumentService, name, data, text, replaces: str | None = None) -> None:
    ss = st.session_state
    ss.pop("docs_duplicate", None)
    if data is None and not (text or "").strip():
        st.error(T.DOCS_NOTHING)
        return
    try:
        result = service.add(filename=name, data=data, text=text, meta={}, actor=_actor(), replaces=replaces)
    except DuplicateDocumentError as exc:
        ss["docs_duplicate"] = {"message": exc.message_zh, "doc_id": exc.existing_id, "name": name, "data": data,
                                "text": text}
        return
    except PolicydeskError as exc:
        st.error(exc.message_zh)
        return
    ss["docs_select_next"] = result["doc_id"]
    ss["docs_notice"] = ("ok", T.DOCS_ADDED.format(doc_id=result["doc_id"]))
    st.rerun()


# -- one document -----------------------------------------------------------------------------
def _detail(service: DocumentService, doc_id: str) -> None:
    try:
        doc = service.get(doc_id, st.session_state.get("docs_today") or date.today())
    except PolicydeskError as exc:
        st.error(exc.message_zh)
        return
    st.subheader(T.DOCS_DETAIL_TITLE.format(title=render.markdown_escape(doc["title"] or doc_id)))
    st.markdown(T.DOCS_DETAIL_LINE.format(
        status=doc["status_zh"], doc_id=doc_id, chunks=doc["chunks"],
        cited=doc["citations_served"], validity=_validity(doc)))
    if doc.get("last_error"):
        st.error(T.DOCS_LAST_ERROR.format(error=doc["last_error"]))
    if doc.get("replaced_by"):
        st.info(T.DOCS_REPLACED_BY.format(doc_id=doc["replaced_by"]))
    preview = doc.get("preview")
    if preview:
        _preview(preview)
    managed = doc["origin"] != "corpus"
    if doc["status"] != "retired":
        _metadata_form(service, doc, managed)
    c1, c2, _ = st.columns([1, 1, 3])
    if managed and doc["status"] == "draft":
        if c1.button(T.DOCS_PUBLISH, type="primary", key=f"docs_publish_{doc_id}"):
            _run_job(service, "publish", doc_id)
        if c2.button(T.DOCS_DELETE, key=f"docs_delete_{doc_id}"):
            try:
                service.delete_draft(doc_id, _actor())
                st.session_state["docs_select_next"] = None
                st.session_state["docs_notice"] = ("ok", T.DOCS_DELETED)
                st.rerun()
            except PolicydeskError as exc:
                st.error(exc.message_zh)
    elif doc["status"] == "published":
        reason = st.text_input(T.DOCS_RETIRE_REASON, key=f"docs_reason_{doc_id}", max_chars=200)
        if st.button(T.DOCS_RETIRE, key=f"docs_retire_{doc_id}"):
            _run_job(service, "retire", doc_id, reason)


def _preview(p: dict) -> None:
    c = p["cleaning"]
    s = p["structure"]
    st.markdown(T.DOCS_PREVIEW_SUMMARY.format(chars=p["characters"], paragraphs=p["paragraphs"],
                                              chunks=len(p["chunks"])))
    lines = [T.DOCS_CLEAN_LINE.format(raw=c["raw_lines"], joins=c["joined_wraps"], spaces=c["spaces_removed"])]
    if c["furniture_removed"]:
        lines.append(T.DOCS_FURNITURE.format(n=len(c["furniture_removed"]),
                                             lines="；".join(c["furniture_removed"][:6])))
    if c.get("ocr"):
        lines.append(T.DOCS_OCR)
    if c["bylines"]:
        lines.append(T.DOCS_BYLINES.format(bylines="；".join(c["bylines"])))
    lines.append(T.DOCS_STRUCTURE.format(kind=T.DOCS_STRUCTURE_KIND.get(s["kind"], s["kind"]),
                                         chapters=len(s["chapters"]), articles=len(s["articles"]),
                                         items=len(s["items"])))
    st.markdown("\n".join(f"- {render.markdown_escape(x)}" for x in lines))
    for problem in p["problems"]:
        st.warning(problem)
    with st.expander(T.DOCS_CLEANED_TEXT, expanded=True):
        st.markdown(f'<div class="pd-passage pd-doc-text">{html.escape(p["text"]).replace(chr(10), "<br>")}'
                    "</div>", unsafe_allow_html=True)
    if c["join_examples"]:
        with st.expander(T.DOCS_JOINS):
            for j in c["join_examples"]:
                st.markdown(f"- …{render.markdown_escape(j['end'])} ⏎ {render.markdown_escape(j['start'])}…")
    if s["chapters"] or s["articles"] or s["items"]:
        with st.expander(T.DOCS_OUTLINE):
            for item in sorted(s["chapters"] + s["articles"] + s["items"], key=lambda x: x["paragraph"]):
                st.markdown(f"- {render.markdown_escape(item['text'])}")
    with st.expander(T.DOCS_CHUNKS.format(n=len(p["chunks"]))):
        for chunk in p["chunks"]:
            st.markdown(f"**{chunk['ordinal'] + 1}.** {render.markdown_escape(chunk['text'])}")


def _metadata_form(service: DocumentService, doc: dict, managed: bool) -> None:
    doc_id = doc["doc_id"]
    with st.form(f"docs_meta_{doc_id}"):
        st.markdown(T.DOCS_META_TITLE)
        c1, c2 = st.columns(2)
        values = {}
        if managed:
            values["title"] = c1.text_input(T.DOCS_F_TITLE, value=doc["title"], max_chars=200)
            values["publisher"] = c2.text_input(T.DOCS_F_PUBLISHER, value=doc["publisher"], max_chars=80)
            values["date"] = c1.text_input(T.DOCS_F_DATE, value=doc["date"], max_chars=20, placeholder="YYYY-MM-DD")
            values["region"] = c2.text_input(T.DOCS_F_REGION, value=doc["region"], max_chars=40)
        values["kind"] = c1.text_input(T.DOCS_F_KIND, value=doc["kind"], max_chars=40)
        c1, c2 = st.columns(2)
        values["valid_from"] = c1.text_input(T.DOCS_F_VALID_FROM, value=doc["valid_from"], max_chars=20,
                                             placeholder="YYYY-MM-DD")
        values["valid_until"] = c2.text_input(T.DOCS_F_VALID_UNTIL, value=doc["valid_until"], max_chars=20,
                                              placeholder="YYYY-MM-DD")
        values["validity_note"] = st.text_input(T.DOCS_F_NOTE, value=doc["validity_note"], max_chars=500)
        saved = st.form_submit_button(T.DOCS_SAVE)
    if saved:
        changed = {k: (v or "").strip() for k, v in values.items() if (v or "").strip() != (doc.get(k) or "")}
        if not changed:
            st.info(T.DOCS_UNCHANGED)
            return
        try:
            if doc["status"] == "draft":
                service.update(doc_id, changed, _actor())
                st.session_state["docs_notice"] = ("ok", T.DOCS_SAVED)
                st.rerun()
            else:
                _run_job(service, "update", doc_id, changed)
        except PolicydeskError as exc:
            st.error(exc.message_zh)


def _run_job(service: DocumentService, kind: str, doc_id: str, arg=None) -> None:
    """Start a publish/retire/update in the background and follow it with a progress bar."""
    try:
        if kind == "publish":
            job = service.publish(doc_id, _actor(), wait=False)
        elif kind == "retire":
            job = service.retire(doc_id, _actor(), arg or "", wait=False)
        else:
            job = service.update(doc_id, arg, _actor(), wait=False)["job"]
            job = service.job(job["job_id"])
    except PolicydeskError as exc:
        st.error(exc.message_zh)
        return
    bar = st.progress(0, text=T.DOCS_JOB_QUEUED)
    while True:
        current = service.registry.get_job(job.job_id) or job
        bar.progress(min(100, current.percent), text=f"{T.DOCS_JOB_STAGE.get(current.stage, current.message)}"
                                                     f"　{current.percent}%")
        if current.finished:
            break
        time.sleep(POLL_S)
    if current.state == "failed":
        st.session_state["docs_notice"] = ("error", T.DOCS_JOB_FAILED.format(error=current.error))
    else:
        st.session_state["docs_notice"] = ("ok", T.DOCS_JOB_DONE[kind])
    st.rerun()


__all__ = ["documents_tab", "STATUS_ZH"]
