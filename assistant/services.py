"""The services the pipeline steps use, typed and named: ``settings``, ``searcher``,
``store``, ``calculators``, ``llm``. Heavy ones (the index and embedder, the database
pool, the language model) are built on first use and then shared by every answer.

Tests and tools hand in their own (``Services(settings, llm=FakeModel())``)."""
from __future__ import annotations

import logging
import threading
import time
from functools import cached_property

from assistant.calculation import CalculatorService
from assistant.llm import build_llm
from assistant.store import Store
from assistant.suggest import Suggester
from policydesk.settings import Settings
from retrieval.documents import DOCS_FILE, Document, load_documents
from retrieval.search import Searcher

log = logging.getLogger("policydesk.assistant")
# How often a long-running process (API worker, console) looks whether an ingest swapped a
# new index in (a document published or retired by staff): reading one small file.
RELOAD_CHECK_S = 2.0


class Services:
    def __init__(self, settings: Settings, *, searcher: Searcher | None = None, store: Store | None = None,
                 llm=None, calculators: CalculatorService | None = None):
        self.settings = settings
        given = {"store": store, "calculators": calculators}
        for name, value in given.items():
            if value is not None:
                self.__dict__[name] = value
        if llm is not None:
            self.__dict__["llm"] = llm
        self._searcher: Searcher | None = searcher
        self._fixed_searcher = searcher is not None
        self._checked = time.monotonic()
        self._reload_lock = threading.Lock()
        self._documents: tuple[tuple, dict] | None = None

    @property
    def searcher(self) -> Searcher:
        """The index, opened on first use and reopened when an ingest has swapped in a new
        one (checked every RELOAD_CHECK_S): a published document answers without a restart."""
        current = self._searcher
        if current is not None and (self._fixed_searcher or time.monotonic() - self._checked < RELOAD_CHECK_S):
            return current
        with self._reload_lock:
            current = self._searcher
            if current is None:
                self._searcher = Searcher.open(self.settings)
                self._checked = time.monotonic()
                return self._searcher
            elif not self._fixed_searcher and time.monotonic() - self._checked >= RELOAD_CHECK_S:
                self._checked = time.monotonic()
                if current.is_stale():
                    self._reopen(current)
            self._checked = time.monotonic()
            return self._searcher

    def reload(self) -> None:
        """Reopen the index now (after this process published or retired a document)."""
        with self._reload_lock:
            self._documents = None
            if self._searcher is not None and not self._fixed_searcher and self._searcher.is_stale():
                self._reopen(self._searcher)
            self._checked = time.monotonic()

    def _reopen(self, current: Searcher) -> None:
        # The embedded Chroma client caches its store per folder: the old one must be closed
        # before the new index (same folder name) can be seen. A question running on the old
        # searcher meanwhile finishes on words alone (Searcher.dense_hits).
        try:
            current.close()
        except Exception:  # noqa: BLE001
            pass
        try:
            self._searcher = Searcher.open(self.settings)
        except Exception as exc:  # noqa: BLE001 - next call tries again
            log.warning("could not reopen the index: %s", type(exc).__name__)
            self._searcher = None

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

    @property
    def documents_by_id(self) -> dict[str, Document]:
        """The documents of the live index (without loading the search stack), reread when
        the index changes."""
        path = self.settings.index_dir / DOCS_FILE
        try:
            stat = path.stat()
            key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except OSError:
            key = None
        cached = self._documents
        if cached is not None and cached[0] == key and key is not None:
            return cached[1]
        docs = {d.doc_id: d for d in load_documents(self.settings.index_dir)}
        self._documents = (key, docs)
        return docs

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
        if self._searcher is not None and not self._fixed_searcher:
            try:
                self._searcher.close()
            except Exception:  # noqa: BLE001
                pass
