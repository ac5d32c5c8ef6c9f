"""Drawing pieces shared by pages: citations with their highlighted paragraph, the Answer
record as staff see it, errors."""
from __future__ import annotations

import html
import json

import streamlit as st

from assistant import render as answer_render
from portal import render, text as T


def citations(cites: list[dict], docs_by_id: dict, *, key: str) -> None:
    """Numbered quotes; each expands to its title, publisher, date and highlighted paragraph."""
    for n, c in enumerate(cites, 1):
        with st.expander(render.expander_label(n, c), expanded=False):
            if c.get("statute"):
                st.markdown(T.STATUTE_META.format(label=answer_render.citation_label(c)))
                if c.get("text") or c.get("quote"):
                    st.markdown(f"<blockquote><mark>{_esc(c.get('text') or c.get('quote'))}</mark>"
                                "</blockquote>", unsafe_allow_html=True)
                continue
            doc = docs_by_id.get(c.get("doc_id"))
            st.markdown(T.CITATION_META.format(
                title=c.get("title") or (doc.title if doc else c.get("doc_id", "")),
                publisher=c.get("publisher") or (doc.publisher if doc else ""),
                date=c.get("date") or (doc.date if doc else "")))
            st.caption(T.PARAGRAPH_CAPTION)
            para = answer_render.paragraph_with_quote(doc.text if doc else "", c.get("start"),
                                               c.get("end"), c.get("quote") or "")
            st.markdown(f'<div class="pd-para">{para}</div>', unsafe_allow_html=True)


def _esc(s: str) -> str:
    return html.escape(s or "")


def answer_record(record: dict) -> None:
    """Why the bot said what it said: status, steps with timings, passages used and unused."""
    status = record.get("status", "")
    steps = record.get("steps") or []
    total = sum(float(s.get("ms") or 0) for s in steps)
    c1, c2 = st.columns(2)
    c1.metric(T.RECORD_STATUS, T.STATUS_LABELS.get(status, status))
    c2.metric(T.RECORD_TOTAL, f"{total:.0f} ms")
    # Citizen text goes through Markdown escaping (not just HTML escaping): a question may
    # not become an image or a link in the staff browser.
    st.markdown(f"**{T.RECORD_QUESTION}**：{render.markdown_escape(record.get('question'))}")
    if record.get("normalized") and record.get("normalized") != record.get("question"):
        st.markdown(f"**{T.RECORD_NORMALIZED}**：{render.markdown_escape(record.get('normalized'))}")
    if record.get("intent") or record.get("slots"):
        st.markdown(f"**{T.RECORD_INTENT}**：{render.markdown_escape(record.get('intent'))} "
                    f"{render.markdown_escape(json.dumps(record.get('slots') or {}, ensure_ascii=False))}")
    st.markdown(f"**{T.RECORD_ANSWER}**：")
    st.text(record.get("answer") or "")
    if record.get("coverage"):
        st.markdown(f"**{T.RECORD_COVERAGE}**：{render.markdown_escape(json.dumps(record['coverage'], ensure_ascii=False))}")
    if steps:
        st.markdown(f"**{T.RECORD_STEPS}**")
        rows = []
        for s in steps:
            detail = {k: v for k, v in s.items() if k not in ("step", "ms")}
            rows.append({"step": s.get("step"), "ms": s.get("ms"),
                         "detail": json.dumps(detail, ensure_ascii=False, default=str)[:300]})
        st.dataframe(rows, hide_index=True, width="stretch")
    passages = record.get("passages") or []
    if passages:
        st.markdown(f"**{T.RECORD_PASSAGES}**")
        rows = []
        for p in passages:
            c = p.get("citation") or {}
            rows.append({T.RECORD_USED: "是" if p.get("used") else "—",
                         "score": round(float(p.get("score") or 0), 4),
                         "doc": c.get("title") or c.get("doc_id"),
                         "text": (p.get("text") or "")[:120]})
        st.dataframe(rows, hide_index=True, width="stretch")
    if record.get("citations"):
        st.markdown(f"**{T.RECORD_CITATIONS}**")
        for line in answer_render.citation_lines(record["citations"]):
            st.markdown(render.markdown_escape(line))
    st.caption(T.RECORD_RAW)
    st.json(record, expanded=False)


CSS = """
<style>
mark { background: #ffe58f; padding: 0 2px; border-radius: 2px; }
.pd-para { line-height: 1.8; font-size: 0.95rem; }
.pd-scope { line-height: 1.9; font-size: 0.9rem; }
.pd-passage { line-height: 1.7; font-size: 0.95rem; border-left: 3px solid #d9d9d9;
              padding-left: .6rem; margin-bottom: .3rem; }
@media (max-width: 640px) {
  .block-container { padding-left: .8rem; padding-right: .8rem; padding-top: 2.5rem; }
  h1 { font-size: 1.5rem !important; }
}
</style>
"""

EMBED_CSS = """
<style>
.block-container { padding-top: 1rem; padding-bottom: 5rem; }
</style>
"""


def page_css(embed: bool = False) -> None:
    st.markdown(CSS + (EMBED_CSS if embed else ""), unsafe_allow_html=True)
