"""Citations as shown to people, completed from the ingested corpus.

- A corpus quote ``{doc_id, quote}`` gets the title, publisher and date of its document and
  its character span.
- A statute reference ``{statute, article[, phrase]}`` (what the rules hold: no wording) is
  looked up in the ingested statutes: the version in force on the day asked, the article,
  and as quote the ``phrase`` where the rule names one (it must be verbatim in the article),
  else the article's text. The result is a full citation of that span
  (``doc.text[start:end] == quote``) with the statute fields; nothing is typed anywhere.
  A reference the corpus cannot resolve keeps its name and article and gets no quote.
"""
from __future__ import annotations

from datetime import date

from policydesk.citation import Citation


def statutes_by_name(docs_by_id: dict) -> dict[str, list]:
    """{《劳动合同法》: [versions, oldest first]} of the ingested statutes."""
    out: dict[str, list] = {}
    for doc in docs_by_id.values():
        if getattr(doc, "statute", ""):
            out.setdefault(doc.statute, []).append(doc)
    for versions in out.values():
        versions.sort(key=lambda d: d.version_date or d.date or "")
    return out


def statute_version(versions: list, on: date | None):
    """The version in force on ``on`` (the latest one dated on or before it), else the latest."""
    if not versions:
        return None
    if on is not None:
        day = on.isoformat()
        dated = [d for d in versions if (d.version_date or d.date or "") <= day]
        if dated:
            return dated[-1]
    return versions[-1]


def article_span(doc, article, phrase: str | None = None) -> tuple[int, int] | None:
    """The span of ``phrase`` inside the article, or of the article's text (after its number)."""
    if phrase:
        start = doc.text.find(phrase, article.start, article.end)
        if start < 0:
            return None
        return start, start + len(phrase)
    body = article.paragraphs[0][0] if article.paragraphs else article.start
    return body, article.end


def resolve_statute(citation: dict, statutes: dict[str, list], on: date | None = None) -> dict:
    """The full citation of a statute reference, or the reference unchanged if unresolvable."""
    doc = statute_version(statutes.get(citation.get("statute"), []), on)
    article = doc.article(citation.get("article")) if doc is not None else None
    if article is None:
        return dict(citation)
    span = article_span(doc, article, citation.get("phrase"))
    if span is None:
        return dict(citation)
    return Citation.for_span(doc, *span).to_dict()


def enrich_citation(citation: dict, docs_by_id: dict, statutes: dict[str, list] | None = None,
                    on: date | None = None) -> dict:
    if citation.get("statute") and not citation.get("quote"):
        if statutes is None:
            statutes = statutes_by_name(docs_by_id)
        return resolve_statute(citation, statutes, on)
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


def enrich_citations(result, docs_by_id: dict, statutes: dict[str, list] | None = None,
                     on: date | None = None):
    """Enrich every ``citations`` list inside a calculator result, at any depth."""
    if statutes is None:
        statutes = statutes_by_name(docs_by_id)
    if isinstance(result, dict):
        out = {}
        for key, value in result.items():
            if key == "citations" and isinstance(value, list):
                out[key] = [enrich_citation(c, docs_by_id, statutes, on) if isinstance(c, dict) else c
                            for c in value]
            else:
                out[key] = enrich_citations(value, docs_by_id, statutes, on)
        return out
    if isinstance(result, list):
        return [enrich_citations(v, docs_by_id, statutes, on) for v in result]
    return result
