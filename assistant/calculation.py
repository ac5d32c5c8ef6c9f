"""The calculators as the assistant runs them (chat, API, forms, `policydesk calc`)."""
from __future__ import annotations

import datetime as dt

from assistant.citations import enrich_citation, enrich_citations, statutes_by_name
from calculators.registry import Field, missing_fields, run_calculator
from policydesk.errors import PolicydeskError
from retrieval.documents import Document


class CalculatorService:
    """The calculators as the assistant runs them: validated, on the day asked, with each
    corpus citation completed by its document's title, publisher, date and span, and each
    statute reference by the verbatim words of the article in force that day."""

    def __init__(self, documents_by_id):
        self._documents_by_id = documents_by_id   # a callable: the index may not exist yet
        self._statutes: dict | None = None

    def run(self, name: str, inputs: dict, today: dt.date | None = None) -> dict:
        """``run_calculator`` plus citation metadata; InputError names a bad field."""
        docs = self._documents()
        return enrich_citations(run_calculator(name, inputs, today=today), docs, self._statutes_of(docs), today)

    def resolve(self, citations: list[dict], today: dt.date | None = None) -> list[dict]:
        """Rule references completed from the corpus (statute wording cut from the articles)."""
        docs = self._documents()
        statutes = self._statutes_of(docs)
        return [enrich_citation(c, docs, statutes, today) for c in citations]

    def _statutes_of(self, docs: dict) -> dict:
        if self._statutes is None and docs:
            self._statutes = statutes_by_name(docs)
        return self._statutes or {}

    def missing(self, name: str, inputs: dict, today: dt.date) -> list[Field]:
        """Required fields not given yet, in the order the chat asks for them."""
        return missing_fields(name, inputs, today)

    def _documents(self) -> dict[str, Document]:
        try:
            return self._documents_by_id()
        except PolicydeskError:   # no index yet: calculators still work, citations stay bare
            return {}
