"""The assistant service: heavy objects (searcher, database) built once per process and
shared by every interface. Interfaces call ``get_assistant()`` and nothing deeper."""
from __future__ import annotations

import logging
import threading
from datetime import date

from assistant.answer import Answer
from assistant.pipeline import run_pipeline
from assistant.services import Services
from policydesk.errors import InputError
from policydesk.dates import parse_day
from policydesk.inputs import check_text
from policydesk.privacy import mask_pii
from policydesk.settings import Settings, get_settings
from retrieval.library_ingest import index_status
from retrieval.normalize import normalize_text


_log = logging.getLogger("policydesk.assistant")


class Assistant:
    def __init__(self, settings: Settings | None = None, services: Services | None = None):
        self.settings = settings or get_settings()
        self.services = services or Services(self.settings)

    # What interfaces reach directly (the staff console's tokenizer, the API's database).
    @property
    def searcher(self):
        return self.services.searcher

    @property
    def store(self):
        return self.services.store

    @property
    def documents_by_id(self) -> dict:
        return self.services.documents_by_id

    def index_status(self) -> dict:
        """Documents, chunks and vectors done / total, with a Chinese summary line: a law
        library answers by full text while its vectors fill in (staff console, /healthz)."""
        try:
            return index_status(self.settings)
        except Exception as exc:  # noqa: BLE001 - a status line must never break a page
            return {"state": "unknown", "summary": "索引状态暂不可读", "error": type(exc).__name__}

    def warm_up(self) -> None:
        """Load the index and the embedder now rather than on the first question."""
        self.searcher.search("失业保险", k=1)

    # -- the three things interfaces ask for ----------------------------------------------
    def ask(self, question: str, *, session_id: str | None = None, today: date | None = None,
            channel: str = "cli", log: bool = True) -> Answer:
        """Answer ``question`` as on the day ``today`` (the current day when None). The question
        is checked (valid text) and masked (身份证, phone, bank card, e-mail in any written
        form) before any step reads it, so no identifier reaches the record, the database, a
        log line or a reply; ``today`` must lie within 1950–2099."""
        check_text(question, "question")
        day = parse_day(today, field="today") if today is not None else date.today()
        answer = run_pipeline(self.services, mask_pii(question or ""), session_id=session_id, today=day)
        if log:
            try:
                self.store.log_answer(answer.to_dict(), channel=channel)
            except Exception as exc:  # logging must never cost the citizen the answer
                # The exception's text could quote the stored values: only its type is kept.
                _log.error("could not log answer %s: %s", answer.id, type(exc).__name__)
                answer.record("log", 0.0, error="not_logged")
        return answer

    def search(self, query: str, k: int = 5, *, include_retired: bool = False) -> dict:
        """Passages for ``query``; ``include_retired`` (the staff console) keeps retired
        documents' passages, which citizens never see."""
        check_text(query, "q")
        query = mask_pii((query or "").strip())
        limit = self.settings.max_question_chars
        if not query:
            raise InputError("请输入要查询的内容", "query is empty", field="q")
        if len(query) > limit:
            raise InputError(f"查询内容过长（最多{limit}字）", f"query longer than {limit} characters", field="q")
        passages = self.searcher.search(normalize_text(query), k=k, include_retired=include_retired)
        return {"query": query, "passages": [p.to_dict() for p in passages]}

    def suggestions(self, limit: int | None = None) -> list[str]:
        """Questions to offer at the start of a chat."""
        return self.services.suggester.start(limit)

    def calculate(self, name: str, inputs: dict, today: date | None = None) -> dict:
        """A calculator's result with its citations completed (the API and the forms)."""
        return self.services.calculators.run(name, inputs, today=today)


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
        if _assistant is not None:
            _assistant.services.close()
        _assistant = None
