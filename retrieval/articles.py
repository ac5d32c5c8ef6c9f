"""Split a newspaper page into articles at their bylines.

A byline closes the article above it: “（武佳 李佳璐）据《山西晚报》” (names and source on one
line or two), or a bare “据新华社”. The byline is kept as metadata, never in the text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.clean import (BYLINE_FULL, BYLINE_NAMES, BYLINE_SOURCE, clean_paragraph,
                             split_paragraphs)

_PAPER = re.compile(r"《\s*([^》]+?)\s*》")
_AGENCY = re.compile(r"据\s*(\S+?)(?:报道|消息|电)?$")
_NAMES_INSIDE = re.compile(r"[（(]\s*(.*?)\s*[)）]")


@dataclass
class Article:
    """One article of a page: 1-based ``index``, cleaned paragraphs, and its byline."""

    index: int
    paragraphs: list[str] = field(default_factory=list)
    byline: str = ""  # the reporters' names, e.g. “武佳 李佳璐”
    source_publisher: str = ""  # from the byline: 山西晚报, 新华社 …

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def split_articles(raw: str, *, markdown: bool = False) -> list[Article]:
    """Articles of a raw page, in order. A page without any byline is one article."""
    paragraphs = split_paragraphs(raw, markdown=markdown)
    articles: list[Article] = []
    current: list[str] = []
    pending_names = ""
    for para in paragraphs:
        compact = " ".join(para.split())
        if BYLINE_NAMES.match(compact) and not pending_names:
            # Names alone: a byline only if the source line follows (checked next round).
            pending_names = compact
            continue
        if pending_names and BYLINE_SOURCE.match(compact):
            compact = pending_names + compact
        elif pending_names:
            current.append(pending_names)  # it was text after all, e.g. “（试行）”
        pending_names = ""
        if BYLINE_FULL.match(compact):
            if current:
                articles.append(_article(len(articles) + 1, current, compact))
                current = []
            continue
        current.append(para)
    if pending_names:
        current.append(pending_names)
    if current:
        articles.append(_article(len(articles) + 1, current, ""))
    return articles


def _article(index: int, paragraphs: list[str], byline_line: str) -> Article:
    names = ""
    m = _NAMES_INSIDE.match(byline_line)
    if m:
        names = " ".join(m.group(1).split())
    publisher = ""
    rest = byline_line[m.end():] if m else byline_line
    paper = _PAPER.search(rest)
    if paper:
        publisher = paper.group(1)
    else:
        agency = _AGENCY.search(rest.strip())
        if agency:
            publisher = agency.group(1)
    cleaned = [c for c in (clean_paragraph(p) for p in paragraphs) if c]
    return Article(index=index, paragraphs=cleaned, byline=names, source_publisher=publisher)
