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
    # National law (retrieval/statutes.py): empty for other documents.
    statute: str = ""          # 《劳动合同法》
    kind: str = ""             # 法律 / 行政法规 / 司法解释 / 部门规章 …
    version_date: str = ""     # from the file name
    version_event: str = ""    # 修正 / 修订 / 公布 … on the version date
    history: tuple[dict, ...] = ()  # {date, event, text}
    articles: tuple[StatuteArticle, ...] = ()

    def to_dict(self) -> dict:
        out = asdict(self)
        out["tags"] = list(self.tags)
        out["history"] = [dict(h) for h in self.history]
        out["articles"] = [a.to_dict() for a in self.articles]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        data = dict(data)
        data["tags"] = tuple(data.get("tags") or ())
        data["history"] = tuple(dict(h) for h in data.get("history") or ())
        data["articles"] = tuple(a if isinstance(a, StatuteArticle) else StatuteArticle.from_dict(a)
                                 for a in data.get("articles") or ())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def summary_dict(self) -> dict:
        """What ``policydesk docs`` lists: everything but the article table."""
        out = self.to_dict()
        out.pop("articles")
        if not self.statute:
            for key in ("statute", "kind", "version_date", "version_event", "history"):
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
