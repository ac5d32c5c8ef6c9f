"""Optional hook for callers that hold the documents: fill title/publisher/date and the
character span of each corpus citation in a result. Duck-typed so that calculators never
import retrieval: ``documents`` maps doc_id to an object or dict with title, publisher, date
and text."""
from __future__ import annotations

from typing import Any, Mapping


def _get(doc: Any, key: str) -> Any:
    return doc.get(key) if isinstance(doc, Mapping) else getattr(doc, key, None)


def enrich_citation(c: dict, documents: Mapping[str, Any]) -> dict:
    if "doc_id" not in c or c["doc_id"] not in documents:
        return c
    doc = documents[c["doc_id"]]
    out = dict(c)
    for key in ("title", "publisher", "date", "source"):
        if _get(doc, key) is not None:
            out.setdefault(key, _get(doc, key))
    text = _get(doc, "text") or ""
    start = text.find(c["quote"])
    if start >= 0:
        out.update(start=start, end=start + len(c["quote"]), paragraph=text.count("\n", 0, start))
    return out


def enrich_citations(result: dict, documents: Mapping[str, Any]) -> dict:
    """A copy of ``result`` whose citations (top level, notes, history, programs) are enriched."""
    def walk(value):
        if isinstance(value, dict):
            if "doc_id" in value and "quote" in value:
                return enrich_citation(value, documents)
            return {k: walk(v) for k, v in value.items() if k != "steps"} | (
                {"steps": value["steps"]} if "steps" in value else {})
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value
    return walk(result)
