"""Normalize: refuse empty or overlong input; traditional → simplified, full-width → half-width."""
from assistant import messages
from assistant.answer import REFUSED

MAX_QUESTION_CHARS = 500


def run(answer, ctx):
    from retrieval.normalize import normalize_text

    raw = (answer.question or "").strip()
    if not raw:
        answer.finish(REFUSED, messages.REFUSED_EMPTY, citations=[])
        return {"refused": "empty"}
    if len(raw) > MAX_QUESTION_CHARS:
        answer.finish(REFUSED, messages.REFUSED_TOO_LONG.format(limit=MAX_QUESTION_CHARS), citations=[])
        return {"refused": "too_long", "chars": len(raw)}
    answer.normalized = normalize_text(raw)
    return {"normalized": answer.normalized}
