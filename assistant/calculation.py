"""The calculators as the assistant runs them (chat, API, forms, `policydesk calc`)."""
from __future__ import annotations

import datetime as dt

from assistant.citations import enrich_citations
from calculators.registry import Field, missing_fields, run_calculator
from policydesk.errors import PolicydeskError
from retrieval.documents import Document


class CalculatorService:
    """The calculators as the assistant runs them: validated, on the day asked, with each
    corpus citation completed by its document's title, publisher, date and span."""

    def __init__(self, documents_by_id):
        self._documents_by_id = documents_by_id   # a callable: the index may not exist yet

    def run(self, name: str, inputs: dict, today: dt.date | None = None) -> dict:
        """``run_calculator`` plus citation metadata; InputError names a bad field."""
        return enrich_citations(run_calculator(name, inputs, today=today), self._documents())

    def missing(self, name: str, inputs: dict, today: dt.date) -> list[Field]:
        """Required fields not given yet, in the order the chat asks for them."""
        return missing_fields(name, inputs, today)

    def _documents(self) -> dict[str, Document]:
        try:
            return self._documents_by_id()
        except PolicydeskError:   # no index yet: calculators still work, citations stay bare
            return {}
