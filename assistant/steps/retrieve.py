"""Retrieve: hybrid search over the passages and the calibrated coverage decision."""
from assistant import referrals

SEARCH_K = 8


def run(answer, ctx):
    if ctx.route not in ("search", "follow_up"):
        return {"skipped": True}
    searcher = ctx.services.searcher
    query = ctx.query or answer.normalized
    ctx.passages = searcher.search(query, k=SEARCH_K, today=ctx.today.isoformat())
    ctx.coverage = searcher.assess(query, ctx.passages)
    if (not ctx.coverage.covered and ctx.context_query
            and ctx.coverage.reason not in ("other_region", "topic_not_in_corpus")):
        # an elliptical follow-up (什么时候之前发完？) read with the topic before it; a
        # message naming another place or an absent topic of its own stays declined
        passages = searcher.search(ctx.context_query, k=SEARCH_K, today=ctx.today.isoformat())
        coverage = searcher.assess(ctx.context_query, passages)
        if coverage.covered:
            ctx.query, ctx.passages, ctx.coverage = ctx.context_query, passages, coverage
    answer.coverage = _coverage_dict(ctx.coverage)
    answer.passages = [dict(p.to_dict(), used=False) for p in ctx.passages]
    if not ctx.coverage.covered:
        if ctx.route == "follow_up":
            ctx.passages = []
            return {"covered": False, "kept_for": "follow_up"}
        referrals.decline(answer)
        ctx.deterministic = answer.answer
        return {"covered": False, "reason": ctx.coverage.reason}
    return {"covered": True, "n": len(ctx.passages), "confidence": round(ctx.coverage.confidence, 4)}


def _coverage_dict(cov) -> dict:
    return {"covered": bool(cov.covered), "confidence": float(cov.confidence), "reason": cov.reason}
