"""Optional LLM rewrite of the deterministic answer; the guard step decides if it stays."""
from assistant.answer import ANSWERED, CALCULATED, FAQ, NEEDS_MORE_INFO
from assistant.llm import model_name, rewrite

REWRITABLE = (ANSWERED, CALCULATED, FAQ, NEEDS_MORE_INFO)


def run(answer, ctx):
    llm = ctx.services.llm
    if llm is None or answer.status not in REWRITABLE:
        return {"skipped": True}

    answer.llm = {"model": model_name(llm), "reply": None, "accepted": False, "reason": None}
    try:
        text = rewrite(llm, answer.question, ctx.deterministic, answer.citations,
                       ctx.services.settings.llm_timeout_s)
    except Exception as exc:  # timeouts and model errors leave the deterministic answer
        # The kind of failure only: a client library's message may carry URLs or input.
        answer.llm["reason"] = f"llm failed: {type(exc).__name__}"
        return {"error": answer.llm["reason"]}
    answer.llm["reply"] = text
    answer.answer = text
    return {"chars": len(text)}
