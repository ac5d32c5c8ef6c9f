"""The assistant service: heavy objects (searcher, database) built once per process and
shared by every interface. Interfaces call ``get_assistant()`` and nothing deeper."""
from __future__ import annotations

import logging
import threading
from datetime import date
from functools import cached_property

from assistant.answer import Answer
from policydesk.errors import InputError
from policydesk.inputs import check_text, parse_day
from policydesk.privacy import mask_pii
from policydesk.settings import Settings, get_settings


_log = logging.getLogger("policydesk.assistant")


class Assistant:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self._lock = threading.Lock()

    # Heavy objects, built on first use.
    @cached_property
    def searcher(self):
        from retrieval.search import Searcher

        return Searcher.open(self.settings)

    @cached_property
    def store(self):
        from assistant.store import Store

        return Store(self.settings.effective_database_url)

    @cached_property
    def llm(self):
        from assistant.llm import build_llm

        return build_llm(self.settings)

    def documents(self):
        from retrieval.documents import load_documents

        return load_documents(self.settings.index_dir)

    @cached_property
    def documents_by_id(self) -> dict:
        return {d.doc_id: d for d in self.documents()}

    def warm_up(self) -> None:
        """Load the index and the embedder now rather than on the first question."""
        self.searcher.search("失业保险", k=1)

    # -- the three things interfaces ask for ----------------------------------------------
    def ask(self, question: str, *, session_id: str | None = None, today: str | date | None = None,
            channel: str = "cli", log: bool = True) -> Answer:
        """Answer ``question``. The question is checked (valid text) and masked (身份证, phone,
        bank card, e-mail in any written form) before any step reads it, so no identifier
        reaches the record, the database, a log line or a reply."""
        from assistant.pipeline import run_pipeline

        check_text(question, "question")
        day = parse_today(today)
        answer = run_pipeline(self, mask_pii(question or ""), session_id=session_id, today=day)
        if log:
            try:
                self.store.log_answer(answer.to_dict(), channel=channel)
            except Exception as exc:  # logging must never cost the citizen the answer
                # The exception's text could quote the stored values: only its type is kept.
                _log.error("could not log answer %s: %s", answer.id, type(exc).__name__)
                answer.record("log", 0.0, error="not_logged")
        return answer

    def search(self, query: str, k: int = 5) -> dict:
        from retrieval.normalize import normalize_text

        check_text(query, "q")
        query = mask_pii((query or "").strip())
        if not query:
            raise InputError("请输入要查询的内容", "query is empty", field="q")
        if len(query) > self.settings.max_question_chars:
            limit = self.settings.max_question_chars
            raise InputError(f"查询内容过长（最多{limit}字）", f"query longer than {limit} characters", field="q")
        passages = self.searcher.search(normalize_text(query), k=k)
        return {"query": query, "passages": [p.to_dict() for p in passages]}

    def calculate(self, name: str, inputs: dict) -> dict:
        from assistant.citations import enrich_citations
        from calculators.registry import run_calculator

        result = run_calculator(name, inputs)
        return enrich_citations(result, self._docs_or_empty())

    def _docs_or_empty(self) -> dict:
        try:
            return self.documents_by_id
        except Exception:
            return {}


def parse_today(today: str | date | None) -> date:
    """The day asked (``today``) within the years the assistant reasons about; the clock's
    day when none is given."""
    return parse_day(today, "today") or date.today()


_assistant: Assistant | None = None
_assistant_lock = threading.Lock()


def get_assistant() -> Assistant:
    """The process-wide assistant for the current settings (rebuilt if HOME changes)."""
    global _assistant
    settings = get_settings()
    with _assistant_lock:
        if _assistant is None or _assistant.settings != settings:
            _assistant = Assistant(settings)
        return _assistant


def reset_assistant() -> None:
    global _assistant
    with _assistant_lock:
        if _assistant is not None and "store" in _assistant.__dict__:
            _assistant.store.dispose()
        _assistant = None
