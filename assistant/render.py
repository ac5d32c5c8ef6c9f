"""The one renderer of an Answer: plain text with citation markers (the ``answer`` field of
the API, the CLI, logs), WeChat text, the hotline's standard reply and HTML fragments
(a cited paragraph, a passage with its terms marked); plus the one citation label.

An Answer carries its parts as ``blocks`` (see BLOCK_KINDS). Compose decides which parts
an answer has and in what order; how each part reads, and where the follow-up question
goes, is decided here only."""
from __future__ import annotations

import html
import re
from urllib.parse import quote as urlquote, urlencode

from assistant import messages
from policydesk.citation import citation_label as label_of

# kind → how it reads in plain text. ``markers`` are the 1-based citation numbers.
BLOCK_KINDS = {
    # whether what the answer quotes still applies (已结束 / 尚未施行): always the first line
    # of an answer, whatever order a composer gives its blocks (see FIRST_KINDS)
    "validity": "{text}{markers}",
    "notice": "{text}",                 # a sentence of the assistant's own (decline, greeting, lead-in)
    "lead": "{text}",                   # names the source of the quotes that follow
    "answer": "“{text}”{markers}",      # the answer line: the clause that states the answer
    "source": "{text}",                 # where the answer line is quoted from, under it
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


def block(kind: str, text: str, markers=(), more: bool = False) -> dict:
    """One part of an answer; ``more`` parts fold behind 展开 on a screen."""
    if kind not in BLOCK_KINDS:
        raise ValueError(f"unknown block kind {kind!r}")
    out = {"kind": kind, "text": text, "markers": list(markers)}
    if more:
        out["more"] = True
    return out


# What one phone screen shows of an answer before 展开 (characters of plain text).
REPLY_CHARS = 200
# Kinds that stay in view whatever their length: the status of the measure, the answer
# line or result, and its source.
ALWAYS_SHOWN = ("status", "answer", "result", "source")


def fit_screen(blocks: list[dict], budget: int = REPLY_CHARS) -> list[dict]:
    """The same blocks, those past ``budget`` characters marked ``more`` (in order: once
    one part folds, the parts after it fold too). The answer line, the result, its source
    and a status notice always show."""
    out, used, folding = [], 0, False
    for b in blocks:
        b = {k: v for k, v in b.items() if k != "more"}
        length = len(block_text(b)) + 1
        if b["kind"] in ALWAYS_SHOWN and not folding:
            used += length
        elif not folding and used + length <= budget:
            used += length
        else:
            folding = True
            b["more"] = True
        out.append(b)
    return out


def _marks(markers) -> str:
    return "".join(f"[{n}]" for n in markers)


def block_text(b: dict) -> str:
    return BLOCK_KINDS[b["kind"]].format(text=b["text"], markers=_marks(b.get("markers") or ()))


def plain_text(blocks: list[dict], follow_up: str | None = None) -> str:
    """The answer as plain text with markers. The follow-up question closes it after a
    blank line: introduced as a confirmation when the answer holds a calculated result
    computed on an assumed condition, as a further fact when the result is complete but
    could be sharper (the wage for an amount), as the missing fact otherwise."""
    body = "\n".join(t for t in (block_text(b) for b in ordered(blocks)) if t.strip())
    if not follow_up:
        return body
    if not body:
        return follow_up
    calculated = any(b["kind"] == "result" for b in blocks)
    assumed = any(b["kind"] == "notice" for b in blocks)
    if calculated:   # confirm an assumed condition, or ask for what would sharpen the result
        prefix = messages.CONFIRM_PREFIX if assumed else messages.THEN_ASK_PREFIX
    else:
        prefix = messages.FOLLOW_UP_PREFIX
    return f"{body}\n\n{prefix}{follow_up}"


def shown_text(record: dict) -> str:
    """What a screen shows before 展开: the blocks not marked ``more``, with the follow-up
    question. When a rewrite replaced the text, the whole text said is shown."""
    blocks = record.get("blocks") or []
    text = record.get("answer") or ""
    follow_up = record.get("follow_up")
    if not blocks or plain_text(blocks, follow_up) != text:
        return text
    return plain_text([b for b in blocks if not b.get("more")], follow_up)


# -- citations --------------------------------------------------------------------------------
def citation_label(c: dict) -> str:
    """Where a citation comes from: 《标题》（发布单位，日期） or, for national law,
    《劳动合同法》第四十七条（2012-12-28 修正） (policydesk.citation.citation_label)."""
    if c.get("statute"):
        return label_of({**c, "article": _article(c.get("article"))})
    if not (c.get("title") or c.get("doc_id")):
        return ""
    return label_of({**c, "title": c.get("title") or c.get("doc_id", "")})


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


# -- the answer on a screen (H5, widget, portal) ----------------------------------------------
# A citation is labelled by its own words: the quoted clause, shortened. Its source (title,
# publisher, date or statute and article), the quote when the answer does not already show
# it, and a link to the whole document open under that label.
SHORT_LABEL_CHARS = 22
_CLAUSE_END = re.compile(r"[，。；：！？,;:!?、]")
_ARTICLE_HEAD = re.compile(r"^第[一二三四五六七八九十百千零〇两0-9]+条[\s　]*")
_MARKER = re.compile(r"\[(\d{1,2})\]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def short_label(c: dict, width: int = SHORT_LABEL_CHARS) -> str:
    """The first clause of the quote (clauses are joined until it says something), cut
    to ``width`` characters. A statute article's number is left to the source line."""
    quote = _ARTICLE_HEAD.sub("", citation_quote(c).strip())
    if not quote:
        return citation_label(c)
    label, rest = "", quote
    # A clause that is only a date or a number (2022年12月30日，) says nothing on its own.
    while rest and len(_CJK.findall(label)) < 6:
        m = _CLAUSE_END.search(rest)
        cut = m.end() if m else len(rest)
        label, rest = label + rest[:cut], rest[cut:]
    label = label.rstrip("，。；：！？,;:!?、 ")
    if len(label) > width:
        return label[:width - 1] + "…"
    return label + ("…" if rest.strip("，。；：！？,;:!?、 ") else "")


def short_labels(citations: list[dict]) -> list[str]:
    """One label per citation; two citations never read the same (the longer cut, or the
    source, tells them apart)."""
    labels = [short_label(c) for c in citations]
    for width in (32, 48):
        seen: dict[str, int] = {}
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
        dupes = {label for label, n in seen.items() if n > 1}
        if not dupes:
            return labels
        labels = [short_label(c, width) if label in dupes else label for c, label in zip(citations, labels)]
    seen_final: dict[str, int] = {}
    out = []
    for c, label in zip(citations, labels):
        seen_final[label] = seen_final.get(label, 0) + 1
        out.append(label if seen_final[label] == 1 else f"{label}（{citation_label(c)}）")
    return out


def doc_link(c: dict, base: str = "") -> str | None:
    """The page of the whole document with this citation highlighted, or None when the
    citation points at no ingested document."""
    doc_id = c.get("doc_id")
    if not doc_id:
        return None
    params = {}
    if isinstance(c.get("start"), int) and isinstance(c.get("end"), int):
        params = {"start": c["start"], "end": c["end"]}
    elif c.get("article"):
        params = {"article": c["article"]}
    query = ("?" + urlencode(params)) if params else ""
    return f"{base.rstrip('/')}/doc/{urlquote(str(doc_id), safe='')}{query}#cite"


def _service_links(escaped: str) -> str:
    """Service numbers (12333, 12367 …) in escaped text become tel: links."""
    for number in sorted(messages.SERVICE_NUMBERS, key=len, reverse=True):
        escaped = re.sub(rf"(?<![\d>]){re.escape(number)}(?!\d)",
                         f'<a class="pd-tel" href="tel:{number}">{number}</a>', escaped)
    return escaped


def _markers_html(escaped: str, anchor: str, labels: list[str]) -> str:
    def link(m):
        n = int(m.group(1))
        if not 1 <= n <= len(labels):
            return m.group(0)
        title = html.escape(f"出处{n}：{labels[n - 1]}", quote=True)
        return (f'<a class="pd-mk" href="#{anchor}-c{n}" data-n="{n}" title="{title}" '
                f'aria-label="{title}">[{n}]</a>')
    return _MARKER.sub(link, escaped)


def _text_html(text: str, anchor: str, labels: list[str]) -> str:
    return _markers_html(_service_links(html.escape(text)), anchor, labels)


def body_html(record: dict, anchor: str) -> str:
    """The answer as paragraphs, its [n] markers links to their citation, service numbers
    ``tel:`` links. Parts marked ``more`` (the detail under a short answer) fold behind 展开.
    When a rewrite replaced the text, the text said is what is shown."""
    citations = record.get("citations") or []
    labels = short_labels(citations)
    blocks = record.get("blocks") or []
    follow_up = record.get("follow_up")
    text = record.get("answer") or ""
    if not blocks or plain_text(blocks, follow_up) != text:
        return "".join(f'<p class="pd-p">{_text_html(line, anchor, labels)}</p>'
                       for line in text.split("\n") if line.strip())
    shown, folded = [], []
    for b in blocks:
        line = block_text(b)
        if line.strip():
            (folded if b.get("more") else shown).append(
                f'<p class="pd-p pd-b-{b["kind"]}">{_text_html(line, anchor, labels)}</p>')
    out = "".join(shown)
    if folded:
        out += f'<details class="pd-more"><summary>{messages.SHOW_MORE}</summary>{"".join(folded)}</details>'
    if follow_up:
        rest = plain_text(blocks, follow_up)[len(plain_text(blocks)):].strip()
        out += f'<p class="pd-p pd-follow">{_text_html(rest, anchor, labels)}</p>'
    return out


def citations_html(record: dict, anchor: str, base: str = "", link=None) -> str:
    """The numbered citations, each a <details> labelled by its own words; opening one
    shows its source, its quote unless the answer already shows it, and the link to the
    whole document (``link(citation)`` when a surface has its own document page)."""
    citations = record.get("citations") or []
    if not citations:
        return ""
    link = link or (lambda c: doc_link(c, base))
    labels = short_labels(citations)
    said = record.get("answer") or ""
    items = []
    for n, (c, label) in enumerate(zip(citations, labels), 1):
        quote = citation_quote(c)
        parts = [f'<p class="pd-src" id="{anchor}-c{n}">{html.escape(citation_label(c))}</p>']
        # The quote shows once: not when the answer already says it, nor when the label
        # above is the whole quote.
        if quote and quote not in said and label != _ARTICLE_HEAD.sub("", quote.strip()):
            parts.append(f'<blockquote class="pd-q">{html.escape(quote)}</blockquote>')
        url = link(c)
        if url:
            parts.append(f'<a class="pd-doc" href="{html.escape(url, quote=True)}" target="_blank" '
                         f'rel="noopener">{messages.OPEN_DOCUMENT}</a>')
        items.append(f'<li class="pd-cite" data-n="{n}"><details><summary><span class="pd-cn">[{n}]</span> '
                     f'{html.escape(label)}</summary><div class="pd-cite-body">{"".join(parts)}</div>'
                     f"</details></li>")
    return (f'<div class="pd-cites"><p class="pd-cites-h">{messages.SOURCES_TITLE}</p>'
            f'<ol class="pd-cite-list">{"".join(items)}</ol></div>')


def contacts_html(contacts: list[dict]) -> str:
    """Who to call instead, each a tel: link with what the number is for."""
    if not contacts:
        return ""
    links = []
    for c in contacts:
        phone = html.escape(str(c.get("phone") or ""))
        name = html.escape(c.get("name") or "")
        hours = f'<span class="pd-hours">{html.escape(c["hours"])}</span>' if c.get("hours") else ""
        links.append(f'<a class="pd-call" href="tel:{phone}">{messages.CALL.format(name=name, phone=phone)}</a>{hours}')
    return f'<div class="pd-contacts">{"".join(links)}</div>'


def copy_text(record: dict, base: str = "") -> str:
    """What 复制 puts on the clipboard: the answer, then each source with its quote (unless
    the answer already holds it) and the address of the whole document."""
    lines = [(record.get("answer") or "").strip()]
    citations = record.get("citations") or []
    if citations:
        lines += ["", messages.REPLY_SOURCES]
        for n, c in enumerate(citations, 1):
            quote = citation_quote(c)
            line = f"[{n}] {citation_label(c)}"
            if quote and quote not in lines[0]:
                line += f"：“{quote}”"
            link = doc_link(c, base) if base else None
            lines.append(line + (f" {link}" if link else ""))
    for c in record.get("contacts") or []:
        if c.get("phone") and str(c["phone"]) not in "\n".join(lines):
            lines.append(messages.CALL.format(name=c.get("name") or "", phone=c["phone"]))
    return "\n".join(lines)


def answer_view(record: dict, base: str = "", link=None) -> dict:
    """Everything a screen needs to show ``record``: HTML for the answer, its citations
    and contacts (escaped here, once), the copy text, the suggestions."""
    anchor = "pd-" + str(record.get("id") or "a")[:10]
    return {
        "anchor": anchor,
        "body_html": body_html(record, anchor),
        "citations_html": citations_html(record, anchor, base, link),
        "contacts_html": contacts_html(record.get("contacts") or []),
        "copy_text": copy_text(record, base),
        "labels": short_labels(record.get("citations") or []),
        "suggestions": list(record.get("suggestions") or []),
    }


# -- the whole document ----------------------------------------------------------------------
def cited_span(doc, start: int | None = None, end: int | None = None, article: str | None = None):
    """(quote span, section span) in ``doc.text``: the cited characters, and what to
    highlight around them — the statute article that holds them, else their paragraph."""
    text = doc.text
    quote = None
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        quote = (start, end)
    section = None
    art = None
    if article and callable(getattr(doc, "article", None)):
        art = doc.article(article)
    if art is None and quote and callable(getattr(doc, "article_at", None)):
        art = doc.article_at(quote[0])
    if art is not None:
        section = (art.start, art.end)
    elif article:
        section = _article_by_heading(text, article)
    if section is None and quote:
        section = (text.rfind("\n", 0, quote[0]) + 1, _line_end(text, quote[1]))
    return quote, section


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _article_by_heading(text: str, article: str):
    """The span of the lines from ``article`` (第四十七条) up to the next article heading."""
    m = re.search(rf"(?m)^{re.escape(article)}(?![一二三四五六七八九十百千零〇两0-9])", text)
    if not m:
        return None
    nxt = re.compile(r"(?m)^(第[一二三四五六七八九十百千零〇两0-9]+[条章节编])").search(text, m.end())
    return m.start(), (nxt.start() - 1 if nxt else len(text))


def document_html(doc, start: int | None = None, end: int | None = None, article: str | None = None) -> str:
    """The cleaned document as paragraphs; the cited section (article or paragraph) in a
    highlighted block with id ``cite``, the quote itself in <mark>."""
    text = doc.text
    quote, section = cited_span(doc, start, end, article)
    out = []
    pos = 0
    for line in text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if not line.strip():
            continue
        inside = section is not None and line_start < max(section[1], section[0] + 1) and line_end > section[0]
        body = _marked_line(text, line_start, line_end, quote)
        cls = ' class="pd-cited"' if inside else ""
        out.append((inside, f"<p{cls}>{body}</p>"))
    html_parts, opened = [], False
    for inside, p in out:
        if inside and not opened:
            html_parts.append('<section id="cite" class="pd-cited-section" tabindex="-1">')
            opened = True
        elif not inside and opened:
            html_parts.append("</section>")
            opened = False
        html_parts.append(p)
    if opened:
        html_parts.append("</section>")
    return "".join(html_parts)


def _marked_line(text: str, line_start: int, line_end: int, quote) -> str:
    if not quote or quote[1] <= line_start or quote[0] >= line_end:
        return html.escape(text[line_start:line_end])
    a, b = max(quote[0], line_start), min(quote[1], line_end)
    return (html.escape(text[line_start:a]) + "<mark>" + html.escape(text[a:b]) + "</mark>"
            + html.escape(text[b:line_end]))
