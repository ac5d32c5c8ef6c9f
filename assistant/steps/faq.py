"""Approved answers (口径库) take priority when a question matches one closely."""
import re

from assistant import messages, render
from assistant.answer import FAQ
from retrieval.normalize import normalize_text

MATCH_THRESHOLD = 0.6   # character-bigram Dice between the normalized questions
NOISE = re.compile(r"[\s，,。.？?！!、：:；;“”\"'（）()]|吗|呢|啊|呀|吧|了|的|请问|我想问|想问一下|一下")


def _bigrams(text: str) -> set[str]:
    text = NOISE.sub("", text)
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def run(answer, ctx):
    if ctx.understanding is not None and ctx.understanding.intent == "chitchat":
        return {"checked": 0}
    if (ctx.state or {}).get("pending") and answer.intent not in ("search",):
        return {"checked": 0, "skipped": "continuing a calculator"}
    # An entry flagged for review (it cites a retired document) is not served until staff
    # have looked at it: the question is answered from the texts instead.
    entries = [e for e in ctx.services.store.faq_list() if not e.get("review")]
    best, best_score = None, 0.0
    for entry in entries:
        score = similarity(answer.normalized, normalize_text(entry["question"]))
        if score > best_score:
            best, best_score = entry, score
    if best is None or best_score < MATCH_THRESHOLD:
        return {"checked": len(entries), "best": round(best_score, 3)}
    ctx.faq_entry = best
    answer.faq_id = best["id"]
    answer.finish(FAQ, blocks=[render.block("notice", messages.FAQ_LEAD), render.block("faq", best["answer"])],
                  citations=best.get("citations") or [])
    ctx.deterministic = answer.answer
    return {"faq_id": best["id"], "score": round(best_score, 3)}
