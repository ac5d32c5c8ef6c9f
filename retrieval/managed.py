"""A document added by staff: from the text read out of its file to the clean Document the
index holds, and the preview a clerk checks before publishing (cleaned text, what cleaning
did, structure, chunks). The preview and the ingest call the same ``build_document``, so
what was previewed is what gets published."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from retrieval.articles import split_articles
from retrieval.chunking import chunk_document
from retrieval.clean import split_paragraphs
from retrieval.documents import Document
from retrieval.validity import locate_measure, parse_iso

# Texts whose blank lines are real paragraph breaks (a PDF's may be column breaks).
MARKDOWN_EXTRACTIONS = ("docx", "md", "paste")
# Texts typed or saved by a clerk (not a page layout): their short lines end paragraphs.
TYPED_EXTRACTIONS = ("text", "md", "paste")
_OPEN_END = re.compile(r"[，、：:；（(“‘《—-]$")

_CHAPTER = re.compile(r"^第[〇零一二三四五六七八九十百千\d]+[编章节]")
_ARTICLE = re.compile(r"^第[〇零一二三四五六七八九十百千\d]+条")
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


@dataclass
class Built:
    document: Document
    problems: list[str] = field(default_factory=list)   # Chinese, one per problem (warnings)
    bylines: list[str] = field(default_factory=list)
    articles: int = 0


def build_document(record, raw: str) -> Built:
    """The clean document of a managed record from its extracted text: cleaned paragraphs,
    bylines kept apart as metadata (a page of several articles stays one document), the
    validity located in the text."""
    raw, markdown = prepared(record, raw)
    articles = [a for a in split_articles(raw, markdown=markdown) if a.text.strip()]
    paragraphs = [p for a in articles for p in a.paragraphs]
    text = "\n".join(paragraphs)
    bylines = [" ".join(x for x in (a.byline, a.source_publisher) if x) for a in articles
               if a.byline or a.source_publisher]
    publisher = record.publisher or next((a.source_publisher for a in articles if a.source_publisher), "")
    doc = Document(
        doc_id=record.doc_id, title=record.title, publisher=publisher, date=record.date, source=
        f"documents/{record.doc_id}/{record.source_file or 'extracted.txt'}", text=text,
        region=record.region, tags=tuple(record.tags or ()), byline="；".join(a.byline for a in articles if a.byline),
        url=record.url, kind=record.kind, status=record.status, origin="upload",
        replaces=record.replaces, replaced_by=record.replaced_by, lineage=tuple(record.lineage or ()))
    doc, problems = with_validity(doc, record)
    return Built(doc, problems, bylines, len(articles))


def prepared(record, raw: str) -> tuple[str, bool]:
    """The extracted text as the cleaning reads it, and whether blank lines are paragraph
    breaks. A clerk's TXT/MD or pasted text is not a page layout: a blank line ends a
    paragraph, and so does a line clearly shorter than the text's wrapped lines (a heading
    such as “一、补贴对象”, a title, the last line of a paragraph), unless it ends open (，、：);
    in a text that is not hard-wrapped at all, every line is a paragraph."""
    if record.extraction not in TYPED_EXTRACTIONS:
        return raw, record.extraction in MARKDOWN_EXTRACTIONS
    return typed_paragraphs(raw), True


def typed_paragraphs(raw: str) -> str:
    """``raw`` with a blank line after each line that ends a paragraph (see ``prepared``)."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return raw
    wrap = lengths[int(0.8 * (len(lengths) - 1))]     # the length of a full, wrapped line
    wrapped = wrap <= 80
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        text = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not text or not nxt:
            continue
        if _OPEN_END.search(text):
            continue
        if not wrapped or len(text) < 0.75 * wrap:
            out.append("")
    return "\n".join(out)


def with_validity(doc: Document, spec) -> tuple[Document, list[str]]:
    """``doc`` with the validity of ``spec`` (a record or catalog entry: valid_from,
    valid_until, validity_note, validity_quote, measure_specs) located in its text; a
    supporting quote or measure anchor not found in the text is dropped with a problem."""
    problems: list[str] = []
    quote = _compact(getattr(spec, "validity_quote", "") or "")
    if quote and quote not in doc.text:
        problems.append(f"有效期依据原文“{quote[:30]}”在正文中找不到，未采用")
        quote = ""
    dates = {}
    for key in ("valid_from", "valid_until"):
        value = getattr(spec, key, "") or ""
        day = parse_iso(value)
        if value and day is None:
            problems.append(f"有效期日期 {value} 不是有效日期（YYYY-MM-DD），未采用")
        dates[key] = day.isoformat() if day else ""
    measures = []
    for m in getattr(spec, "measure_specs", ()) or ():
        located, problem = locate_measure(doc.text, dict(m))
        if problem:
            problems.append(problem + "，未采用")
        else:
            measures.append(located)
    return replace(doc, valid_from=dates["valid_from"], valid_until=dates["valid_until"],
                   validity_note=(getattr(spec, "validity_note", "") or "").strip(), validity_quote=quote,
                   measures=tuple(measures)), problems


def _compact(text: str) -> str:
    return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", str(text).strip())


# -- preview ----------------------------------------------------------------------------------
def preview(record, raw: str, *, furniture: tuple[str, ...] = (), ocr: bool = False) -> dict:
    """What a clerk checks before publishing: the cleaned text; what cleaning did (line
    wraps joined, with examples; artifact spaces removed; page furniture removed; bylines
    kept apart); the structure found (chapters, articles, numbered items); the chunks the
    index will hold; problems; and metadata guessed from the text."""
    built = build_document(record, raw)
    doc = built.document
    cleaned_raw, markdown = prepared(record, raw)
    trace: list[tuple[int, str, str]] = []
    split_paragraphs(cleaned_raw, markdown=markdown, trace=trace)
    joins = [(text, nxt) for (_, text, action), (_, nxt, nxt_action) in zip(trace, trace[1:])
             if nxt_action == "join"]
    raw_lines = sum(1 for line in raw.splitlines() if line.strip())
    spaces_removed = _artifact_spaces(raw, doc.text)
    chunks = chunk_document(doc) if doc.text else []
    structure = outline(doc.text)
    return {
        "doc_id": doc.doc_id,
        "text": doc.text,
        "characters": len(doc.text),
        "paragraphs": doc.text.count("\n") + 1 if doc.text else 0,
        "cleaning": {
            "raw_lines": raw_lines,
            "joined_wraps": len(joins),
            "join_examples": [{"end": a[-12:], "start": b[:12]} for a, b in joins[:6]],
            "spaces_removed": spaces_removed,
            "furniture_removed": list(furniture),
            "bylines": built.bylines,
            "ocr": ocr,
        },
        "structure": structure,
        "chunks": [{"ordinal": c.ordinal, "start": c.start, "end": c.end, "text": c.text} for c in chunks],
        "problems": built.problems,
        "suggested": suggest_metadata(doc.text, built.bylines),
        "fingerprint": text_fingerprint(doc.text),
    }


def outline(text: str) -> dict:
    """Chapters (第…章/节/编), articles (第…条) and numbered items (一、 （一）) of a text, each
    with its paragraph number and first words."""
    chapters, articles, items = [], [], []
    for n, para in enumerate(text.split("\n")):
        head = para[:40]
        if _CHAPTER.match(para):
            chapters.append({"paragraph": n, "text": head})
        elif _ARTICLE.match(para):
            articles.append({"paragraph": n, "text": head})
        elif _ITEM.match(para):
            items.append({"paragraph": n, "text": head})
    kind = "statute" if len(articles) >= 2 else ("sections" if items else "prose")
    return {"kind": kind, "chapters": chapters, "articles": articles, "items": items}


def suggest_metadata(text: str, bylines: list[str]) -> dict:
    """Pre-filled metadata: the title from the first line when it reads like one (short,
    no sentence end); the date of the signature (a paragraph that is only a date, the last
    one) or else the first full date in the text; the publisher from the signature (the
    short line above that date) or a byline."""
    paragraphs = text.split("\n") if text else []
    first = paragraphs[0].strip() if paragraphs else ""
    title = first if first and len(first) <= 40 and not re.search(r"[。！？；]$", first) else ""
    if not title and first:
        sentence = re.split(r"(?<=[。！？])", first, maxsplit=1)[0].rstrip("。！？")
        title = sentence if len(sentence) <= 30 else sentence[:30] + "…"
    date, publisher = "", ""
    for n in range(len(paragraphs) - 1, 0, -1):
        m = _DATE.fullmatch(paragraphs[n].strip())
        day = m and parse_iso(f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
        if day:
            date = day.isoformat()
            above = paragraphs[n - 1].strip()
            if 2 <= len(above) <= 30 and not re.search(r"[。！？；，、：:]", above):
                publisher = above
            break
    if not date:
        for m in _DATE.finditer(text):
            day = parse_iso(f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
            if day:
                date = day.isoformat()
                break
    if not publisher:
        for line in bylines:
            m = re.search(r"《([^》]+)》|据(\S+)", line)
            publisher = line.split()[-1] if line.split() else ""
            if m:
                publisher = m.group(1) or m.group(2)
    return {"title": title, "date": date, "publisher": publisher}


def _artifact_spaces(raw: str, cleaned: str) -> int:
    """How many spaces inside the text the cleaning removed (line indents not counted)."""
    inner = sum(len(re.findall(r"(?<=\S)[ \u3000]+(?=\S)", line)) for line in raw.splitlines())
    kept = len(re.findall(r"(?<=\S)[ \u3000]+(?=\S)", cleaned))
    return max(0, inner - kept)


def text_fingerprint(text: str) -> str:
    """Equal for two texts that differ only in spacing and punctuation."""
    core = re.sub(r"[\s\W_]+", "", text)
    return hashlib.sha256(core.encode("utf-8")).hexdigest()


def shingles(text: str, n: int = 8) -> set[str]:
    core = re.sub(r"[\s\W_]+", "", text)
    return {core[i:i + n] for i in range(0, max(0, len(core) - n + 1), 3)}


def similarity(a: set[str], b: set[str]) -> float:
    """Share of the smaller text's shingles the other holds (a text inside a longer one
    is a duplicate of it too)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))

