"""The citation every layer passes around, and the one function that names its source.

A citation points at a verbatim span of a cleaned document: ``quote == doc.text[start:end]``
and ``paragraph`` is the 0-based line of ``start``. A citation of national law also carries
where in the statute it sits: ``statute`` (《劳动合同法》), ``article`` (第四十七条),
``chapter``, ``version_date`` and ``version_event`` of the text, and its ``kind``
(法律 / 行政法规 / 司法解释 / 部门规章 …). Those fields are absent (None) for other documents
and are left out of ``to_dict`` then, so the plain citation contract stays as it was.
A quote cut from a longer sentence adds ``sentence`` (that sentence, verbatim) and its span
``sentence_start``/``sentence_end``."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

STATUTE_FIELDS = ("statute", "article", "chapter", "version_date", "version_event", "kind", "version_note")
# A quote cut from a longer sentence (the answer line) carries that sentence and its span,
# so a surface can show the whole sentence behind the citation.
CONTEXT_FIELDS = ("sentence", "sentence_start", "sentence_end")


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: str
    publisher: str
    date: str
    quote: str
    start: int
    end: int
    paragraph: int
    source: str = ""
    statute: str | None = None
    article: str | None = None
    chapter: str | None = None
    version_date: str | None = None
    version_event: str | None = None
    kind: str | None = None
    # 历史版本（2018-10-26）: the text is an older version of a law, not the one in force
    # (set by search, which knows the day asked); None when in force
    version_note: str | None = None
    sentence: str | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None

    @classmethod
    def for_span(cls, doc: Any, start: int, end: int) -> "Citation":
        """The citation of ``doc.text[start:end]``. ``doc`` is duck-typed (the ground package
        imports no layer): title, publisher, date, source, text, and for a statute
        ``statute``, ``version_date``, ``version_event``, ``kind`` and ``article_at(offset)``
        returning an object with ``number`` and ``chapter``."""
        text = doc.text
        citation = cls(doc_id=doc.doc_id, title=doc.title, publisher=doc.publisher, date=doc.date,
                       quote=text[start:end], start=start, end=end,
                       paragraph=text.count("\n", 0, max(0, start)), source=getattr(doc, "source", "") or "")
        statute = getattr(doc, "statute", None)
        if not statute:
            return citation
        article = doc.article_at(start) if hasattr(doc, "article_at") else None
        return replace(citation, statute=statute,
                       article=getattr(article, "number", None) or None,
                       chapter=getattr(article, "chapter", None) or None,
                       version_date=getattr(doc, "version_date", None) or None,
                       version_event=getattr(doc, "version_event", None) or None,
                       kind=getattr(doc, "kind", None) or None)

    @property
    def is_statute(self) -> bool:
        return bool(self.statute)

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in STATUTE_FIELDS + CONTEXT_FIELDS and value is None:
                continue
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> "Citation":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _get(citation: Any, key: str) -> Any:
    if isinstance(citation, Mapping):
        return citation.get(key)
    return getattr(citation, key, None)


def citation_label(citation: Any) -> str:
    """How a citation names its source, for people:

    - a statute article: 《劳动合同法》第四十七条（2012-12-28 修正）
      (the version date and what happened then; the date alone when the text does not say);
    - any other document: 《标题》（publisher，date）.

    Takes a ``Citation`` or its dict."""
    statute = _get(citation, "statute")
    if statute:
        label = f"{statute}{_get(citation, 'article') or ''}"
        version = " ".join(str(x) for x in (_get(citation, "version_date"), _get(citation, "version_event")) if x)
        label = f"{label}（{version}）" if version else label
        return f"{label}【{_get(citation, 'version_note')}】" if _get(citation, "version_note") else label
    title = _get(citation, "title") or ""
    details = "，".join(str(x) for x in (_get(citation, "publisher"), _get(citation, "date")) if x)
    return f"《{title}》（{details}）" if details else f"《{title}》"
