"""The whole document with the cited words highlighted (what a citation's 查看原文全文
opens): ?doc_id=…&start=…&end=… or &article=第四十七条. Drawn by assistant/render.py,
as the API's /doc page is."""
from __future__ import annotations

import streamlit as st

from assistant import render as answer_render
from portal import resources, text as T, widgets


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def render_page() -> None:
    widgets.page_css()
    params = st.query_params
    doc = resources.documents_by_id().get(params.get("doc_id", ""))
    if doc is None:
        st.title(T.DOC_TITLE)
        st.warning(T.DOC_NOT_FOUND)
        return
    statute = getattr(doc, "statute", "")
    st.title(statute or f"《{doc.title}》")
    if statute:
        st.caption(" ".join(x for x in (getattr(doc, "kind", ""), getattr(doc, "version_date", ""),
                                        getattr(doc, "version_event", "")) if x))
    else:
        st.caption("　".join(x for x in (doc.publisher, doc.date) if x))
    body = answer_render.document_html(doc, _int(params.get("start")), _int(params.get("end")),
                                       params.get("article") or None)
    st.info(T.DOC_NOTE if 'id="cite"' in body else T.DOC_NOTE_PLAIN)
    st.markdown(f'<div class="pd-doc-text">{body}</div>', unsafe_allow_html=True)
