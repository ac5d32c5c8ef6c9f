"""The clean document: the record every other layer reads (the citation type lives in the
ground package, ``policydesk.citation``, and is re-exported here)."""
from __future__ import annotations

import bisect
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policydesk.citation import Citation  # noqa: F401 - re-exported for retrieval's users
from policydesk.errors import IndexMissingError
from retrieval.statutes import StatuteArticle

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
    kind: str = ""             # 通知 / 办法 / 解读 / 新闻 …; statutes: 法律 / 行政法规 / 司法解释 / 部门规章 …
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
    # National law (retrieval/statutes.py): empty for other documents.
    statute: str = ""          # 《劳动合同法》
    version_date: str = ""     # from the file name
    version_event: str = ""    # 修正 / 修订 / 公布 … on the version date
    history: tuple[dict, ...] = ()  # {date, event, text}
    articles: tuple[StatuteArticle, ...] = ()
    # Law-library texts (retrieval.library): which law this is a version of (the file name
    # without its date; versions share it), the latest history date (orders undated copies),
    # and whether it is law at all (case write-ups and guides are kept, but marked).
    work: str = ""
    history_date: str = ""
    legal: bool = True

    def to_dict(self) -> dict:
        out = asdict(self)
        out["tags"] = list(self.tags)
        out["measures"] = [dict(m) for m in self.measures]
        out["lineage"] = list(self.lineage)
        out["history"] = [dict(h) for h in self.history]
        out["articles"] = [a.to_dict() for a in self.articles]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        data = dict(data)
        data["tags"] = tuple(data.get("tags") or ())
        data["measures"] = tuple(dict(m) for m in data.get("measures") or ())
        data["lineage"] = tuple(data.get("lineage") or ())
        data["history"] = tuple(dict(h) for h in data.get("history") or ())
        data["articles"] = tuple(a if isinstance(a, StatuteArticle) else StatuteArticle.from_dict(a)
                                 for a in data.get("articles") or ())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def retired(self) -> bool:
        return self.status == RETIRED

    def summary_dict(self) -> dict:
        """What ``policydesk docs`` lists: everything but the article table."""
        out = self.to_dict()
        out.pop("articles")
        if not self.statute:
            for key in ("statute", "version_date", "version_event", "history"):
                out.pop(key)
        return out

    def paragraph_of(self, start: int) -> int:
        """0-based paragraph index of the character at ``start``."""
        return self.text.count("\n", 0, max(0, start))

    def article_at(self, offset: int) -> StatuteArticle | None:
        """The article (第…条) whose span holds ``offset``; None outside any article."""
        if not self.articles:
            return None
        starts = [a.start for a in self.articles]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and self.articles[i].start <= offset < max(self.articles[i].end, self.articles[i].start + 1):
            return self.articles[i]
        return None

    def article(self, number: str) -> StatuteArticle | None:
        return next((a for a in self.articles if a.number == number), None)


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
