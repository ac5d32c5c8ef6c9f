"""One answer = one fixed list of small steps, each writing onto the same Answer record.

An early stop is a status with a canned Chinese reply (see assistant/answer.py), never an
exception escaping to the citizen."""
from __future__ import annotations

import logging
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import date

from assistant import messages, referrals
from assistant.answer import ERROR, Answer
from assistant.services import Services
from assistant.steps import (calculate, compose, dialog, faq, guard, normalize, retrieve, rewrite,
                             route, suggest, understand_step, validity)
from assistant.understand import Understanding
from policydesk.errors import PolicydeskError
from policydesk.privacy import mask_pii
from retrieval.search import Coverage

log = logging.getLogger("policydesk.assistant")

# The order of the pipeline lives here and only here.
STEPS = [
    ("normalize", normalize.run),
    ("dialog", dialog.load),
    ("understand", understand_step.run),
    ("faq", faq.run),
    ("route", route.run),
    ("calculate", calculate.run),
    ("retrieve", retrieve.run),
    ("compose", compose.run),
    ("validity", validity.run),
    ("rewrite", rewrite.run),
    ("guard", guard.run),
    ("suggest", suggest.run),
    ("remember", dialog.save),
]


# Steps that still run once an earlier step has finished the answer (an approved answer,
# a decline): whether its sources still apply, the rewrite, the guard, the dialog state.
AFTER_FINISH = ("validity", "rewrite", "guard", "suggest", "remember")


@dataclass
class Context:
    """Working state shared by the steps of one answer (not returned to users)."""

    services: Services
    today: date
    route: str | None = None
    understanding: Understanding | None = None
    state: dict = field(default_factory=dict)   # dialog state of the session
    state_changed: bool = False
    passages: list = field(default_factory=list)
    coverage: Coverage | None = None
    calc_result: dict | None = None
    missing: list = field(default_factory=list)  # registry fields still needed
    deterministic: str = ""                      # the answer before any LLM rewrite
    faq_entry: dict | None = None
    calc_inputs: dict = field(default_factory=dict)
    assumed: list = field(default_factory=list)     # yes/no conditions assumed true, to confirm
    then_ask: list = field(default_factory=list)    # optional inputs to ask for after answering
    input_problem: str | None = None
    version_note: str = ""  # which version of a law answers, when the question names a year
    query: str = ""          # what is searched: the question, or the rest after 重新开始
    context_query: str = ""  # a follow-up read with the previous question (那…呢), tried when
                             # the message alone is not covered


def run_pipeline(services: Services, question: str, *, session_id: str | None, today: date) -> Answer:
    answer = Answer(question=question or "", session_id=session_id, today=today)
    ctx = Context(services=services, today=today)
    for name, step in STEPS:
        if answer.finished and name not in AFTER_FINISH:
            continue
        started = time.perf_counter()
        try:
            detail = step(answer, ctx) or {}
        except PolicydeskError as exc:  # e.g. no index yet: say so plainly
            log.warning("step %s: %s", name, exc.message_en)
            detail = {"error": type(exc).__name__}   # its English text may quote a backend's
            answer.follow_up = None
            answer.finish(ERROR, exc.message_zh, citations=[])
            answer.contacts = [referrals.hotline_contact()]
        except Exception as exc:  # an internal failure becomes a status, never a traceback
            # The record (returned to clients, shown to staff) names only the failure's kind
            # and a reference; its text, which may quote input, stays in the server log.
            ref = uuid.uuid4().hex[:12]
            log.error("step %s failed (ref %s) for %r: %s\n%s", name, ref, mask_pii(question)[:80],
                      type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)[-6:]))
            detail = {"error": "internal_error", "error_ref": ref}
            answer.follow_up = None
            answer.finish(ERROR, messages.ERROR, citations=[])
            answer.contacts = [referrals.hotline_contact()]
        answer.record(name, (time.perf_counter() - started) * 1000, **detail)
    return answer
