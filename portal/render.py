"""Pure formatting helpers of the portal (no Streamlit): the citation expander's label,
query terms to highlight, Chinese labels for result values, streaming pieces. Answers,
citations and HTML fragments are rendered by assistant/render.py."""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlencode

from assistant.render import citation_label, citation_quote
from portal import text as T


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


def expander_label(n: int, citation: dict, width: int = 28) -> str:
    """[n] and the source, then the start of a corpus quote (statutes are named alone)."""
    if citation.get("statute"):
        return T.STATUTE_LABEL.format(n=n, label=citation_label(citation))
    quote = citation_quote(citation)
    if len(quote) > width:
        quote = quote[:width] + "…"
    return T.CITATION_LABEL.format(n=n, label=citation_label(citation), quote=quote)


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


def doc_page_link(citation: dict) -> str | None:
    """The portal's own document page for a citation (the API has /doc/{doc_id})."""
    if not citation.get("doc_id"):
        return None
    params = {"doc_id": citation["doc_id"]}
    if isinstance(citation.get("start"), int) and isinstance(citation.get("end"), int):
        params.update(start=citation["start"], end=citation["end"])
    elif citation.get("article"):
        params["article"] = citation["article"]
    return "/doc?" + urlencode(params) + "#cite"


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
