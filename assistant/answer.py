"""The Answer record: what `ask` returns everywhere, what the log stores, what staff see."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import date

from assistant import render

# Statuses (an early stop is a status with a canned reply, never an exception).
ANSWERED = "answered"            # cited passages answer the question
CALCULATED = "calculated"        # a calculator result with its rules and citations
FAQ = "faq"                      # an approved answer from the staff library
NEEDS_MORE_INFO = "needs_more_info"  # a follow-up question for a missing slot
DECLINED = "declined"            # the corpus does not cover the question
REFUSED = "refused"              # empty, too long, or not a question we may answer
CHITCHAT = "chitchat"            # greetings and thanks
ERROR = "error"                  # something failed inside; canned apology


@dataclass
class Answer:
    question: str
    session_id: str | None = None
    today: date | None = None        # the day the question is answered as of
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: str = "pending"
    answer: str = ""                 # the text said: render.plain_text(blocks), or an accepted LLM rewrite
    blocks: list[dict] = field(default_factory=list)   # the parts of the answer (render.BLOCK_KINDS)
    citations: list[dict] = field(default_factory=list)
    declined: bool = False
    calculator: dict | None = None   # {name, inputs, result}
    follow_up: str | None = None
    steps: list[dict] = field(default_factory=list)
    normalized: str = ""
    intent: str | None = None
    slots: dict = field(default_factory=dict)
    passages: list[dict] = field(default_factory=list)   # retrieved, each with "used"
    coverage: dict | None = None
    faq_id: str | None = None
    llm: dict | None = None          # {model, reply, accepted, reason}
    contacts: list[dict] = field(default_factory=list)   # who can help instead: {name, phone, office, topic, hours}
    suggestions: list[str] = field(default_factory=list)  # questions to offer next (assistant/suggest.py)
    created_at: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.status != "pending"

    def record(self, step: str, ms: float, **detail) -> None:
        self.steps.append({"step": step, "ms": round(ms, 2), **detail})

    def finish(self, status: str, text: str | None = None, *, blocks: list[dict] | None = None,
               citations: list[dict] | None = None) -> None:
        """Stop with ``status``: a canned ``text`` or the answer's ``blocks``, rendered with
        the follow-up question (set ``follow_up`` first)."""
        self.status = status
        self.blocks = blocks if blocks is not None else [render.block("notice", text)]
        self.answer = render.plain_text(self.blocks, self.follow_up)
        if citations is not None:
            self.citations = citations
        self.declined = status == DECLINED
        if self.declined:
            self.citations = []

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "blocks": self.blocks,
            "citations": self.citations,
            "declined": self.declined,
            "calculator": self.calculator,
            "follow_up": self.follow_up,
            "steps": self.steps,
            "id": self.id,
            "status": self.status,
            "question": self.question,
            "session_id": self.session_id,
            "today": self.today.isoformat() if self.today else None,
            "normalized": self.normalized,
            "intent": self.intent,
            "slots": self.slots,
            "passages": self.passages,
            "coverage": self.coverage,
            "faq_id": self.faq_id,
            "llm": self.llm,
            "contacts": self.contacts,
            "suggestions": self.suggestions,
            "created_at": self.created_at,
        }
