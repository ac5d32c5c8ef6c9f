"""Normalize: refuse empty or overlong input; traditional → simplified, full-width → half-width."""
from assistant import messages
from assistant.answer import REFUSED
from retrieval.normalize import normalize_text


def run(answer, ctx):
    limit = ctx.services.settings.max_question_chars
    raw = (answer.question or "").strip()
    if not raw:
        answer.finish(REFUSED, messages.REFUSED_EMPTY, citations=[])
        return {"refused": "empty"}
    if len(raw) > limit:
        answer.finish(REFUSED, messages.REFUSED_TOO_LONG.format(limit=limit), citations=[])
        return {"refused": "too_long", "chars": len(raw)}
    answer.normalized = normalize_text(raw)
    return {"normalized": answer.normalized}
