"""The assistant service: heavy objects (searcher, database) built once per process and
shared by every interface. Interfaces call ``get_assistant()`` and nothing deeper."""
from __future__ import annotations

import threading
from datetime import date
from functools import cached_property

from assistant.answer import Answer
from policydesk.errors import InputError
from policydesk.settings import Settings, get_settings


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

    def index_status(self) -> dict:
        """Documents, chunks and vectors done / total, with a Chinese summary line: a law
        library answers by full text while its vectors fill in (staff console, /healthz)."""
        from retrieval.library_ingest import index_status

        try:
            return index_status(self.settings)
        except Exception as exc:  # noqa: BLE001 - a status line must never break a page
            return {"state": "unknown", "summary": "索引状态暂不可读", "error": type(exc).__name__}

    def warm_up(self) -> None:
        """Load the index and the embedder now rather than on the first question."""
        self.searcher.search("失业保险", k=1)

    # -- the three things interfaces ask for ----------------------------------------------
    def ask(self, question: str, *, session_id: str | None = None, today: str | date | None = None,
            channel: str = "cli", log: bool = True) -> Answer:
        from assistant.pipeline import run_pipeline

        answer = run_pipeline(self, question, session_id=session_id, today=parse_today(today))
        if log:
            try:
                self.store.log_answer(answer.to_dict(), channel=channel)
            except Exception as exc:  # logging must never cost the citizen the answer
                answer.record("log", 0.0, error=f"{type(exc).__name__}: {exc}")
        return answer

    def search(self, query: str, k: int = 5) -> dict:
        from retrieval.normalize import normalize_text

        query = (query or "").strip()
        if not query:
            raise InputError("请输入要查询的内容", "query is empty", field="q")
        if len(query) > 500:
            raise InputError("查询内容过长（最多500字）", "query longer than 500 characters", field="q")
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
    if today is None or today == "":
        return date.today()
    if isinstance(today, date):
        return today
    try:
        return date.fromisoformat(str(today).strip())
    except ValueError:
        raise InputError(f"日期格式不对：{today}，请用 YYYY-MM-DD", f"bad date for today: {today!r}",
                         field="today") from None


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
