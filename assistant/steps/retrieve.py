"""Retrieve: hybrid search over the passages and the calibrated coverage decision."""
from assistant import referrals

SEARCH_K = 8


def run(answer, ctx):
    if ctx.route not in ("search", "follow_up"):
        return {"skipped": True}
    searcher = ctx.services.searcher
    ctx.passages = searcher.search(answer.normalized, k=SEARCH_K)
    ctx.coverage = searcher.assess(answer.normalized, ctx.passages)
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
