"""Sentence-aware chunking of cleaned documents.

A chunk is a run of whole sentences of one document, about 80–300 characters, that
repeats the previous chunk's last sentence (one-sentence overlap) so an answer that
straddles two chunks is still whole in one of them. Chunks never cross documents (each
cleaned document is one article) nor a statute-style 第…条 heading. Every chunk and every
sentence keeps its character span in the cleaned text, so a quote is always
``doc.text[start:end]``.

A statute (a document with parsed articles) is chunked by its structure instead: one chunk
per article (第…条, number included); an article longer than ``MAX_CHARS`` is cut at its
paragraphs (款), a 款 too long alone at its items (项) or lines, a line too long alone at
sentences. Headings are never inside a chunk; text before the first article (a preamble)
is chunked like any other text. The "sentences" of a statute chunk are its lines (a 款 or
an item, the unit a citation quotes), cut into sentences only when longer than 200.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

from retrieval.documents import Document

MIN_CHARS = 80
TARGET_CHARS = 160
MAX_CHARS = 300
# A quote shown as evidence must stay focused (shared/eval/README.md: ≤ 200 characters).
MAX_SENTENCE_CHARS = 200
SHORT_SENTENCE = 30

_SENTENCE_END = "。！？；!?;"
_CLOSERS = "”’」』）)》\"'"
_CLAUSE_END = "，、：,:"
_ARTICLE_HEADING = re.compile(r"^\s*第[一二三四五六七八九十百零〇0-9]+条")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str
    ordinal: int  # position of the chunk in its document
    sentences: tuple[tuple[int, int], ...]  # sentence spans (doc offsets) inside the chunk

    def to_dict(self) -> dict:
        out = asdict(self)
        out["sentences"] = [list(s) for s in self.sentences]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Chunk":
        data = dict(data)
        data["sentences"] = tuple(tuple(s) for s in data.get("sentences") or ())
        return cls(**data)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at clause marks (，、：), else hard at ``limit``."""
    pieces = []
    while end - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(ch) for ch in _CLAUSE_END)
        if cut < limit // 3:
            cut = limit - 1
        pieces.append(_trim(text, start, start + cut + 1))
        start = start + cut + 1
    s, e = _trim(text, start, end)
    if e > s:
        pieces.append((s, e))
    return [p for p in pieces if p[1] > p[0]]


def split_sentences(text: str, start: int = 0, end: int | None = None,
                    max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Sentence spans in ``text[start:end]``: ends at 。！？；or a line end (a closing quote
    or bracket right after the mark stays with the sentence); longer than ``max_chars``
    is cut at clause marks. Spans exclude surrounding whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    i = s = start
    while i < end:
        ch = text[i]
        if ch == "\n" or ch in _SENTENCE_END:
            j = i + 1 if ch != "\n" else i
            while j < end and text[j] in _CLOSERS:
                j += 1
            a, b = _trim(text, s, j)
            if b > a:
                spans.extend(_split_long(text, a, b, max_chars))
            s = i = max(j, i + 1)
            continue
        i += 1
    a, b = _trim(text, s, end)
    if b > a:
        spans.extend(_split_long(text, a, b, max_chars))
    return spans


def _sections(text: str) -> list[tuple[int, int]]:
    """Parts of a document that a chunk may not cross: 第…条 articles, if any."""
    bounds = [0]
    offset = 0
    for line in text.splitlines(keepends=True):
        if offset and _ARTICLE_HEADING.match(line):
            bounds.append(offset)
        offset += len(line)
    bounds.append(len(text))
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def chunk_document(doc: Document, *, min_chars: int = MIN_CHARS, target_chars: int = TARGET_CHARS,
                   max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Chunks of ``doc``: whole sentences, ``target_chars`` aimed for, never over
    ``max_chars``, the last sentence of a chunk repeated at the start of the next."""
    if getattr(doc, "articles", None):
        return chunk_statute(doc, min_chars=min_chars, target_chars=target_chars, max_chars=max_chars)
    return _chunk_sections(doc, _sections(doc.text), [], min_chars, target_chars, max_chars)


def _new_chunk(doc: Document, chunks: list[Chunk], start: int, end: int,
               sentences: tuple[tuple[int, int], ...]) -> Chunk:
    body = doc.text[start:end]
    return Chunk(chunk_id=f"{doc.doc_id}#{len(chunks)}-{text_hash(body)[:8]}", doc_id=doc.doc_id,
                 start=start, end=end, text=body, ordinal=len(chunks), sentences=sentences)


def _line_units(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The quotable units of a statute span: each line (a 款 or an item) whole, a line
    longer than ``MAX_SENTENCE_CHARS`` cut into its sentences."""
    out: list[tuple[int, int]] = []
    for a, b in _line_spans(text, start, end):
        if b - a <= MAX_SENTENCE_CHARS:
            out.append((a, b))
        else:
            out.extend(split_sentences(text, a, b, max_chars=MAX_SENTENCE_CHARS))
    return tuple(out)


def chunk_statute(doc: Document, *, min_chars: int = MIN_CHARS, target_chars: int = TARGET_CHARS,
                  max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Chunks of a statute: an article whole when it fits in ``max_chars``, else its 款
    packed greedily in order (a 款 too long alone → its lines; a line → its sentences)."""
    text = doc.text
    chunks: list[Chunk] = []
    preamble_end = doc.articles[0].start
    heading = re.compile(r"^第[^\n]{1,12}?[编章节]")
    if preamble_end > 0:
        # text before the first article, minus headings (a 序言 or a judicial preamble)
        spans = [(a, b) for a, b in _line_spans(text, 0, preamble_end) if not heading.match(text[a:b])]
        if spans:
            _chunk_sections(doc, spans, chunks, min_chars, target_chars, max_chars)
    for article in doc.articles:
        for start, end in _article_pieces(text, article, max_chars):
            chunks.append(_new_chunk(doc, chunks, start, end, _line_units(text, start, end)))
    return chunks


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        a, b = _trim(text, pos, line_end)
        if b > a:
            out.append((a, b))
        pos = line_end + 1
    return out


def _article_pieces(text: str, article, max_chars: int) -> list[tuple[int, int]]:
    if article.end - article.start <= max_chars:
        return [(article.start, article.end)]
    units: list[tuple[int, int]] = []
    paragraphs = list(article.paragraphs) or [(article.start, article.end)]
    # the first 款 carries the article number
    paragraphs[0] = (article.start, paragraphs[0][1])
    for start, end in paragraphs:
        if end - start <= max_chars:
            units.append((start, end))
            continue
        for line_start, line_end in _line_spans(text, start, end):
            if line_end - line_start <= max_chars:
                units.append((line_start, line_end))
            else:
                units.extend(split_sentences(text, line_start, line_end, max_chars=max_chars))
    pieces: list[list[int]] = []
    for start, end in units:
        if pieces and end - pieces[-1][0] <= max_chars:
            pieces[-1][1] = end
        else:
            pieces.append([start, end])
    return [(a, b) for a, b in pieces]


def _chunk_sections(doc: Document, sections, chunks: list[Chunk], min_chars: int, target_chars: int,
                    max_chars: int) -> list[Chunk]:
    text = doc.text
    for sec_start, sec_end in sections:
        sentences = split_sentences(text, sec_start, sec_end, max_chars=min(max_chars, MAX_SENTENCE_CHARS))
        i = 0
        overlapped = False  # sentences[i] repeats the previous chunk's last sentence
        while i < len(sentences):
            first_new = i + 1 if overlapped else i
            if first_new >= len(sentences):
                break
            if overlapped and sentences[first_new][1] - sentences[i][0] > max_chars:
                i, overlapped = first_new, False  # the repeated sentence does not fit
                continue
            j = first_new + 1
            while j < len(sentences):
                length = sentences[j][1] - sentences[i][0]
                current = sentences[j - 1][1] - sentences[i][0]
                if length > max_chars:
                    break
                # past the target, stop, unless the next sentence is a short remnant that
                # would otherwise make a near-duplicate chunk with the overlap
                if current >= target_chars and sentences[j][1] - sentences[j][0] >= SHORT_SENTENCE:
                    break
                j += 1
            rest = sentences[-1][1] - sentences[j][0] if j < len(sentences) else 0
            if 0 < rest < min_chars and sentences[-1][1] - sentences[i][0] <= max_chars:
                j = len(sentences)  # a short tail joins this chunk rather than standing alone
            group = sentences[i:j]
            chunks.append(_new_chunk(doc, chunks, group[0][0], group[-1][1], tuple(group)))
            if j >= len(sentences):
                break
            i, overlapped = j - 1, True
    return chunks


def chunk_documents(documents, **kwargs) -> list[Chunk]:
    out: list[Chunk] = []
    for doc in documents:
        out.extend(chunk_document(doc, **kwargs))
    return out
