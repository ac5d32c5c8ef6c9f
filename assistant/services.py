"""The services the pipeline steps use, typed and named: ``settings``, ``searcher``,
``store``, ``calculators``, ``llm``. Heavy ones (the index and embedder, the database
pool, the language model) are built on first use and then shared by every answer.

Tests and tools hand in their own (``Services(settings, llm=FakeModel())``)."""
from __future__ import annotations

from functools import cached_property

from assistant.calculation import CalculatorService
from assistant.llm import build_llm
from assistant.store import Store
from assistant.suggest import Suggester
from policydesk.settings import Settings
from retrieval.documents import Document, load_documents
from retrieval.search import Searcher


class Services:
    def __init__(self, settings: Settings, *, searcher: Searcher | None = None, store: Store | None = None,
                 llm=None, calculators: CalculatorService | None = None):
        self.settings = settings
        given = {"searcher": searcher, "store": store, "calculators": calculators}
        for name, value in given.items():
            if value is not None:
                self.__dict__[name] = value
        if llm is not None:
            self.__dict__["llm"] = llm

    @cached_property
    def searcher(self) -> Searcher:
        return Searcher.open(self.settings)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.effective_database_url)

    @cached_property
    def llm(self):
        """The optional chat model (langchain), or None when none is configured."""
        return build_llm(self.settings)

    @cached_property
    def calculators(self) -> CalculatorService:
        return CalculatorService(lambda: self.documents_by_id)

    @cached_property
    def documents_by_id(self) -> dict[str, Document]:
        return {d.doc_id: d for d in load_documents(self.settings.index_dir)}

    @cached_property
    def suggester(self):
        """Questions to offer (catalog, calculators, 口径库) for the documents served."""
        try:
            served = set(self.documents_by_id)
        except Exception:  # noqa: BLE001 - no index yet: only calculator questions
            served = set()
        return Suggester(self.settings.corpus_dir, served, self.store)

    def close(self) -> None:
        """Release the database pool if it was opened."""
        if "store" in self.__dict__:
            self.store.dispose()
