"""The clean document and the citation: the records every other layer reads."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policydesk.errors import IndexMissingError

DOCS_FILE = "docs.jsonl"
MANIFEST_FILE = "manifest.json"

# Lifecycle of a document (the staff console shows 草稿 / 已发布 / 已失效 / 已撤下).
DRAFT, PUBLISHED, RETIRED = "draft", "published", "retired"


@dataclass(frozen=True)
class Document:
    """One article after cleaning. ``text`` keeps paragraphs separated by a single newline."""

    doc_id: str
    title: str
    publisher: str
    date: str  # ISO date of publication or of the news
    source: str  # path of the source file, relative to the corpus folder
    text: str
    region: str = "山西"
    tags: tuple[str, ...] = ()
    byline: str = ""
    url: str = ""
    # Document management (retrieval/registry.py, the staff console's Documents tab).
    kind: str = ""             # 通知 / 办法 / 解读 / 新闻 … (statutes: 法律 / 行政法规 …)
    status: str = PUBLISHED    # published | retired (drafts are never in the index)
    origin: str = "corpus"     # corpus (catalog + sources/) | upload (added by staff)
    # Validity of the whole document (ISO dates, "" = open) and why: a note written by
    # staff and the words of the text that support the dates (checked verbatim at ingest).
    valid_from: str = ""
    valid_until: str = ""
    validity_note: str = ""
    validity_quote: str = ""
    # One measure inside the document with a validity of its own:
    # {id, label, start, end, valid_from, valid_until, note, quote} (span in ``text``).
    measures: tuple[dict, ...] = ()
    replaces: str = ""         # the doc_id this version replaced
    replaced_by: str = ""      # set on a retired version
    lineage: tuple[str, ...] = ()  # doc_ids of the earlier versions, oldest first

    def to_dict(self) -> dict:
        out = asdict(self)
        out["tags"] = list(self.tags)
        out["measures"] = [dict(m) for m in self.measures]
        out["lineage"] = list(self.lineage)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        data = dict(data)
        data["tags"] = tuple(data.get("tags") or ())
        data["measures"] = tuple(dict(m) for m in data.get("measures") or ())
        data["lineage"] = tuple(data.get("lineage") or ())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def retired(self) -> bool:
        return self.status == RETIRED

    def paragraph_of(self, start: int) -> int:
        """0-based paragraph index of the character at ``start``."""
        return self.text.count("\n", 0, max(0, start))


@dataclass(frozen=True)
class Citation:
    """Where a quote comes from. ``quote`` is a verbatim substring of the document text,
    ``start``/``end`` its character span there and ``paragraph`` its 0-based paragraph."""

    doc_id: str
    title: str
    publisher: str
    date: str
    quote: str
    start: int
    end: int
    paragraph: int
    source: str = ""

    @classmethod
    def for_span(cls, doc: Document, start: int, end: int) -> "Citation":
        return cls(
            doc_id=doc.doc_id,
            title=doc.title,
            publisher=doc.publisher,
            date=doc.date,
            quote=doc.text[start:end],
            start=start,
            end=end,
            paragraph=doc.paragraph_of(start),
            source=doc.source,
        )

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DocumentSet:
    documents: list[Document] = field(default_factory=list)

    def by_id(self) -> dict[str, Document]:
        return {d.doc_id: d for d in self.documents}


def write_documents(path: Path, documents: list[Document]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for doc in documents:
            fh.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")


def read_documents(path: Path) -> list[Document]:
    with path.open(encoding="utf-8") as fh:
        return [Document.from_dict(json.loads(line)) for line in fh if line.strip()]


def load_documents(index_dir: Path) -> list[Document]:
    """The documents of the live index; raises IndexMissingError if none was built."""
    path = Path(index_dir) / DOCS_FILE
    if not path.exists():
        raise IndexMissingError(str(Path(index_dir).parent))
    return read_documents(path)
