"""Drawing pieces shared by pages: citations with their highlighted paragraph, the Answer
record as staff see it, errors."""
from __future__ import annotations

import html
import json
from pathlib import Path

import streamlit as st

from assistant import render as answer_render
from portal import render, text as T

# The same local icon the H5 page uses: nothing is fetched from a font CDN.
FAVICON = Path(__file__).resolve().parent.parent / "api" / "static" / "favicon.png"


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


def navigation(pages) -> None:
    """The pages as a row of labelled links, on phones as on desktops."""
    with st.container(horizontal=True, key="pd_nav", gap="small"):
        for page in pages:
            st.page_link(page, label=page.title)


# Streamlit's own controls speak English to screen readers ("Send message", "Help for …",
# "Expand sidebar") and the page says lang="en". This script, run in the page, says
# zh-CN, names those controls in Chinese (again whenever Streamlit redraws them), hides
# icon ligatures from screen readers, and makes a citation marker open its citation.
ZH_SCRIPT = """<script>
(function () {
  var d = document;
  d.documentElement.lang = 'zh-CN';
  if (window.__pdZh) { return; }
  window.__pdZh = true;
  var names = %s;
  function name(v) {
    if (names[v]) { return names[v]; }
    var m = /^Help for (.*)$/.exec(v);
    return m ? m[1] + '：说明' : null;
  }
  function fix(root) {
    if (d.documentElement.lang !== 'zh-CN') { d.documentElement.lang = 'zh-CN'; }
    root.querySelectorAll('[aria-label]').forEach(function (e) {
      var zh = name(e.getAttribute('aria-label'));
      if (zh) { e.setAttribute('aria-label', zh); }
    });
    root.querySelectorAll('[title]').forEach(function (e) {
      var zh = name(e.getAttribute('title'));
      if (zh) { e.setAttribute('title', zh); }
    });
    root.querySelectorAll('[data-testid="stIconMaterial"]:not([aria-hidden])').forEach(function (e) {
      e.setAttribute('aria-hidden', 'true');
    });
    var cite = location.hash === '#cite' && d.getElementById('cite');
    if (cite && !window.__pdScrolled) { window.__pdScrolled = true; cite.scrollIntoView(); }
  }
  new MutationObserver(function () { fix(d); }).observe(d.body, {subtree: true, childList: true,
    attributes: true, attributeFilter: ['aria-label', 'title']});
  d.addEventListener('click', function (ev) {
    var mark = ev.target.closest && ev.target.closest('a.pd-mk');
    if (!mark) { return; }
    var item = d.getElementById(mark.getAttribute('href').slice(1));
    var details = item && item.closest('details');
    if (!details) { return; }
    ev.preventDefault();
    details.open = true;
    details.scrollIntoView({block: 'center'});
    details.querySelector('summary').focus();
  }, true);
  fix(d);
})();
</script>"""


def page_setup() -> None:
    """What every page needs first: Chinese for assistive technology, and the styles."""
    st.html(ZH_SCRIPT % json.dumps(T.CONTROL_NAMES_ZH, ensure_ascii=False), unsafe_allow_javascript=True)


CSS = """
<style>
mark { background: #ffe58f; padding: 0 2px; border-radius: 2px; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4b5563 !important; opacity: 1 !important; }
.pd-cites { margin-top: .5rem; }
.pd-cites-h { color: #4b5563; font-size: .9rem; margin: 0; }
.pd-cite-list { list-style: none; padding: 0; margin: 0; }
.pd-cite { background: #f0f4fa; border-radius: 8px; margin: .4rem 0; }
.pd-cite summary { min-height: 44px; padding: .55rem .6rem; cursor: pointer; color: #123f7a; }
.pd-cite-body { padding: 0 .8rem .6rem; }
.pd-src { color: #374151; margin: 0 0 .3rem; }
.pd-q { border-left: 4px solid #1a5fb4; background: #fff; margin: .3rem 0; padding: .3rem .6rem; color: #1f2329; }
.pd-doc, .pd-call { display: inline-block; min-height: 44px; padding: .6rem 0; font-weight: 600; }
.pd-call { display: block; }
.pd-hours { display: block; color: #4b5563; font-size: .9rem; }
.pd-mk { font-weight: 600; }
.pd-p { margin: 0 0 .4rem; }
.pd-doc-text p { line-height: 1.9; }
.pd-cited-section { background: #eef4fc; border-left: 6px solid #1a5fb4; padding: .5rem .8rem; margin: 0 -.8rem .8rem; }
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
    page_setup()
    # st.html: st.markdown no longer keeps <style> elements.
    st.html(CSS + (EMBED_CSS if embed else ""))
