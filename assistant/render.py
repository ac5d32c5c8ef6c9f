"""The one renderer of an Answer: plain text with citation markers (the ``answer`` field of
the API, the CLI, logs), WeChat text, the hotline's standard reply and HTML fragments
(a cited paragraph, a passage with its terms marked); plus the one citation label.

An Answer carries its parts as ``blocks`` (see BLOCK_KINDS). Compose decides which parts
an answer has and in what order; how each part reads, and where the follow-up question
goes, is decided here only."""
from __future__ import annotations

import html
import re

from assistant import messages

# kind → how it reads in plain text. ``markers`` are the 1-based citation numbers.
BLOCK_KINDS = {
    # whether what the answer quotes still applies (已结束 / 尚未施行): always the first line
    # of an answer, whatever order a composer gives its blocks (see FIRST_KINDS)
    "validity": "{text}{markers}",
    "notice": "{text}",                 # a sentence of the assistant's own (decline, greeting, lead-in)
    "lead": "{text}",                   # names the source of the quotes that follow
    "quote": "“{text}”{markers}",       # a sentence cut from a cited document
    "statute": "{text}{markers}",       # a national-law article quoted in full
    "result": "{text}{markers}",        # a calculator's result sentence
    "note": "· {text}{markers}",        # a further point of a result (a rule, a programme)
    "next_step": messages.NEXT_STEP + "{text}",
    "faq": "{text}",                    # an approved answer from the staff library
}


# Kinds that open an answer, before anything a composer puts first: a citizen must read
# that a measure has ended before reading what it said.
FIRST_KINDS = ("validity",)


def ordered(blocks: list[dict]) -> list[dict]:
    """``blocks`` with the FIRST_KINDS moved to the front (their own order kept)."""
    return [b for b in blocks if b["kind"] in FIRST_KINDS] + [b for b in blocks if b["kind"] not in FIRST_KINDS]


def block(kind: str, text: str, markers=()) -> dict:
    """One part of an answer."""
    if kind not in BLOCK_KINDS:
        raise ValueError(f"unknown block kind {kind!r}")
    return {"kind": kind, "text": text, "markers": list(markers)}


def _marks(markers) -> str:
    return "".join(f"[{n}]" for n in markers)


def block_text(b: dict) -> str:
    return BLOCK_KINDS[b["kind"]].format(text=b["text"], markers=_marks(b.get("markers") or ()))


def plain_text(blocks: list[dict], follow_up: str | None = None) -> str:
    """The answer as plain text with markers. The follow-up question closes it after a
    blank line: introduced as a confirmation when the answer holds a calculated result
    (a condition was assumed), as the missing fact otherwise."""
    body = "\n".join(t for t in (block_text(b) for b in ordered(blocks)) if t.strip())
    if not follow_up:
        return body
    if not body:
        return follow_up
    calculated = any(b["kind"] == "result" for b in blocks)
    prefix = messages.CONFIRM_PREFIX if calculated else messages.FOLLOW_UP_PREFIX
    return f"{body}\n\n{prefix}{follow_up}"


# -- citations --------------------------------------------------------------------------------
def citation_label(c: dict) -> str:
    """Where a citation comes from: 《标题》（发布单位，日期） or 《法律》第某条."""
    if c.get("statute"):
        return f"{c['statute']}{_article(c.get('article'))}"
    parts = [p for p in (c.get("publisher"), c.get("date")) if p]
    title = f"《{c.get('title') or c.get('doc_id', '')}》"
    return f"{title}（{'，'.join(parts)}）" if parts else title


def _article(article) -> str:
    if article in (None, ""):
        return ""
    article = str(article)
    return f"第{article}条" if article.isdigit() else article


def citation_quote(c: dict) -> str:
    """The cited words: a corpus quote, or a statute article's text."""
    return (c.get("quote") or c.get("text") or "").replace("\n", "")


def citation_lines(citations: list[dict], indent: str = "") -> list[str]:
    """``[n] label：“quote”`` for each citation, numbered as the markers are."""
    return [f"{indent}[{n}] {citation_label(c)}：“{citation_quote(c)}”" for n, c in enumerate(citations, 1)]


# -- surfaces ---------------------------------------------------------------------------------
def terminal_text(record: dict) -> str:
    """The CLI's `ask`: the answer, then each citation."""
    return "\n".join([record.get("answer") or "", *citation_lines(record.get("citations") or [], "  ")])


WECHAT_LIMIT_BYTES = 2000   # WeChat refuses a text reply over 2048 bytes
WECHAT_MAX_SOURCES = 3


def wechat_text(record: dict, limit_bytes: int = WECHAT_LIMIT_BYTES) -> str:
    """The answer and up to three short sources, cut to WeChat's limit (sources kept)."""
    text = (record.get("answer") or "").strip() or messages.ERROR
    sources: list[str] = []
    for c in record.get("citations") or []:
        label = citation_label(c)
        if label and label not in sources:
            sources.append(label)
        if len(sources) >= WECHAT_MAX_SOURCES:
            break
    tail = ("\n" + messages.WECHAT_SOURCES + "；".join(sources)) if sources else ""
    if _utf8_len(text + tail) <= limit_bytes:
        return text + tail
    tail = _cut(tail, limit_bytes // 3)
    room = limit_bytes - _utf8_len(tail) - _utf8_len(messages.WECHAT_MORE)
    return _cut(text, room) + messages.WECHAT_MORE + tail


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max(0, max_bytes)].decode("utf-8", "ignore")


def standard_reply(record: dict) -> str:
    """The cited answer as plain text a hotline operator can paste into a reply."""
    lines = [(record.get("answer") or "").strip()]
    citations = record.get("citations") or []
    if citations:
        lines += ["", messages.REPLY_SOURCES]
        for n, c in enumerate(citations, 1):
            quote = citation_quote(c)
            # A quote the answer already repeats word for word is not printed twice.
            if quote and quote not in lines[0]:
                lines.append(f"[{n}] {citation_label(c)}：“{quote}”")
            else:
                lines.append(f"[{n}] {citation_label(c)}")
    if messages.HOTLINE not in "\n".join(lines):
        lines += ["", messages.REPLY_HOTLINE]
    return "\n".join(lines)


# -- HTML fragments ---------------------------------------------------------------------------
def paragraph_with_quote(doc_text: str, start: int | None, end: int | None, quote: str = "") -> str:
    """The paragraph around ``doc_text[start:end]`` as HTML with the quote in <mark>.

    Paragraphs are separated by single newlines in cleaned documents. If the span does not
    match the quote (an older index), the quote is searched for; if it cannot be found the
    quote alone is returned, still highlighted."""
    if doc_text and quote and (start is None or end is None or doc_text[start:end] != quote):
        found = doc_text.find(quote)
        start, end = (found, found + len(quote)) if found >= 0 else (None, None)
    if not doc_text or start is None or end is None or not (0 <= start <= end <= len(doc_text)):
        return f"<mark>{html.escape(quote)}</mark>"
    para_start = doc_text.rfind("\n", 0, start) + 1
    para_end = doc_text.find("\n", end)
    if para_end < 0:
        para_end = len(doc_text)
    before = html.escape(doc_text[para_start:start])
    marked = html.escape(doc_text[start:end]).replace("\n", "<br>")
    after = html.escape(doc_text[end:para_end])
    return f"{before}<mark>{marked}</mark>{after}"


def highlight_terms(passage: str, terms) -> str:
    """``passage`` as HTML with every occurrence of any term wrapped in <mark>.

    Longer terms win where terms overlap (创业担保贷款 over 贷款)."""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return html.escape(passage)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(passage):
        out.append(html.escape(passage[last:m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        last = m.end()
    out.append(html.escape(passage[last:]))
    return "".join(out)
