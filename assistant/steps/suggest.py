"""Suggest: two or three questions to ask next, following what the answer cited (see
assistant/suggest.py). Never costs the citizen the answer."""
import logging

log = logging.getLogger("policydesk.assistant")
HISTORY = 20   # earlier questions of the session not to offer again


def run(answer, ctx):
    record = {"status": answer.status, "question": answer.normalized or answer.question,
              "citations": answer.citations, "calculator": answer.calculator}
    if answer.status in ("needs_more_info", "error", "refused"):
        answer.suggestions = []
        return {"n": 0}
    try:
        asked = []
        if answer.session_id:
            rows = ctx.services.store.list_conversations(session_id=answer.session_id, limit=HISTORY)
            asked = [r["question"] for r in rows if r.get("question")]
        answer.suggestions = ctx.services.suggester.after(record, asked)
    except Exception as exc:  # noqa: BLE001 - suggestions are extra; the answer stands
        log.warning("suggest failed: %s", type(exc).__name__)
        answer.suggestions = []
        return {"n": 0, "error": type(exc).__name__}
    return {"n": len(answer.suggestions)}
