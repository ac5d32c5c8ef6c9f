"""Pure formatting helpers (no Streamlit): HTML fragments with highlights, the plain-text
standard reply, Chinese labels for result values. Kept apart so they are easy to test."""
from __future__ import annotations

import html
import re
from datetime import datetime

from portal import text as T


def paragraph_with_quote(doc_text: str, start: int | None, end: int | None,
                         quote: str = "") -> str:
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


_STOP = set("的了吗呢吧啊呀么是有在和与及或我你他她它们这那哪什怎多少几个每")


def query_terms(query: str, tokenize=None) -> list[str]:
    """Terms of a query worth highlighting: tokens of two or more characters (or ASCII
    words and numbers), minus question words. ``tokenize`` is the retrieval tokenizer."""
    if tokenize is None:
        tokens = re.findall(r"[A-Za-z0-9.]+|[\u3400-\u9fff]{2,}", query)
    else:
        tokens = list(tokenize(query))
    terms = []
    for tok in tokens:
        tok = tok.strip()
        if not tok or all(ch in _STOP for ch in tok):
            continue
        if len(tok) < 2 and not tok.isdigit():
            continue
        terms.append(tok)
    return terms


def citation_label(n: int, citation: dict, width: int = 28) -> str:
    if citation.get("statute"):
        return T.STATUTE_LABEL.format(n=n, statute=citation["statute"],
                                      article=_article(citation.get("article")))
    quote = (citation.get("quote") or "").replace("\n", "")
    if len(quote) > width:
        quote = quote[:width] + "…"
    return T.CITATION_LABEL.format(n=n, title=citation.get("title") or citation.get("doc_id", ""),
                                   quote=quote)


def _article(article) -> str:
    if article in (None, ""):
        return ""
    article = str(article)
    if article.isdigit():
        return f"第{article}条"
    return article


def citation_source_line(citation: dict) -> str:
    if citation.get("statute"):
        return f"{citation['statute']}{_article(citation.get('article'))}"
    parts = [p for p in (citation.get("publisher"), citation.get("date")) if p]
    return f"《{citation.get('title') or citation.get('doc_id', '')}》（{'，'.join(parts)}）"


def standard_reply(answer: dict) -> str:
    """The cited answer as plain text a hotline operator can paste into a reply."""
    lines = [(answer.get("answer") or "").strip()]
    if answer.get("follow_up") and answer["follow_up"] not in lines[0]:
        lines.append(answer["follow_up"])
    citations = answer.get("citations") or []
    if citations:
        lines += ["", T.REPLY_SOURCES]
        for n, c in enumerate(citations, 1):
            quote = (c.get("quote") or c.get("text") or "").replace("\n", "")
            source = citation_source_line(c)
            # A quote the answer already repeats word for word is not printed twice.
            if quote and quote not in lines[0]:
                lines.append(f"[{n}] {source}：“{quote}”")
            else:
                lines.append(f"[{n}] {source}")
    if T.HOTLINE not in "\n".join(lines):
        lines += ["", T.REPLY_HOTLINE]
    return "\n".join(lines)


def value_zh(value) -> str:
    if isinstance(value, bool) or value is None:
        return T.RESULT_VALUES[value]
    if isinstance(value, str) and value in T.RESULT_VALUES:
        return T.RESULT_VALUES[value]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def when(ts: float | None) -> str:
    if not ts:
        return ""
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def chunks(text: str, size: int = 4):
    """The answer in small pieces, for st.write_stream."""
    for i in range(0, len(text), size):
        yield text[i:i + size]


def markdown_safe(text: str) -> str:
    """Plain answer text for st.markdown: keep line breaks, do not let $ start LaTeX or ~
    strike text through."""
    text = (text or "").replace("$", r"\$").replace("~", r"\~")
    return text.replace("\n", "  \n")


_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&@=^\"'])")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www)(?=\\[:.])")


def markdown_escape(text) -> str:
    """Any text (a citizen's question or comment, a title) made safe for st.markdown and
    Markdown labels: every ASCII punctuation mark that Markdown or HTML could read is
    backslash-escaped, so ``![](https://x/p.png)`` and ``[点此](https://…)`` show as typed
    instead of loading an image or drawing a link; a word joiner (U+2060, invisible) after
    ``http``/``www`` keeps GFM from turning a bare address into a link; line breaks stay."""
    text = _MD_PUNCTUATION.sub(r"\\\1", str(text or ""))
    text = _AUTOLINK.sub("\\1\u2060", text)
    return text.replace("\r\n", "\n").replace("\n", "  \n")
