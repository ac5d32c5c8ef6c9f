"""Citations as shown to people: corpus quotes get the title, publisher and date of their
document and a character span; statute references pass through unchanged."""
from __future__ import annotations


def enrich_citation(citation: dict, docs_by_id: dict) -> dict:
    doc = docs_by_id.get(citation.get("doc_id"))
    if doc is None:
        return dict(citation)
    out = dict(citation)
    out.setdefault("title", doc.title)
    out.setdefault("publisher", doc.publisher)
    out.setdefault("date", doc.date)
    quote = citation.get("quote") or ""
    start = doc.text.find(quote) if quote else -1
    if start >= 0:
        out.setdefault("start", start)
        out.setdefault("end", start + len(quote))
        out.setdefault("paragraph", doc.paragraph_of(start))
    return out


def enrich_citations(result: dict, docs_by_id: dict) -> dict:
    """Enrich every ``citations`` list inside a calculator result, at any depth."""
    if isinstance(result, dict):
        out = {}
        for key, value in result.items():
            if key == "citations" and isinstance(value, list):
                out[key] = [enrich_citation(c, docs_by_id) if isinstance(c, dict) else c for c in value]
            else:
                out[key] = enrich_citations(value, docs_by_id)
        return out
    if isinstance(result, list):
        return [enrich_citations(v, docs_by_id) for v in result]
    return result
