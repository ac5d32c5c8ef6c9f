"""Guard: the numeric guard and the citation check on every answer, LLM or not.

An LLM text that fails is discarded for the deterministic answer, and the step says why.
A deterministic answer that fails (a bug) is reduced to its bare quotes."""
from assistant import guard, render
from assistant.answer import FAQ, NEEDS_MORE_INFO


def run(answer, ctx):
    extra = [ctx.faq_entry["answer"]] if (answer.status == FAQ and ctx.faq_entry) else []
    extra.append(ctx.version_note)  # repeats the year the citizen named
    if answer.status == NEEDS_MORE_INFO:
        # A follow-up may repeat the citizen's own faulty value ("2023年2月30日 不是有效日期").
        extra += [ctx.input_problem or ""]
        extra += list((ctx.understanding.problems or {}).values())
    # The question that closes the answer (a missing fact, a condition to confirm, a fact
    # that would sharpen a result) is the calculator spec's own text and may show an example.
    if answer.follow_up:
        extra.append(answer.follow_up)
    bad = guard.check(answer.answer, answer.citations, answer.calculator, extra)
    llm_used = bool(answer.llm and answer.llm.get("reply") is not None and answer.answer != ctx.deterministic)
    if llm_used:
        text, problems = guard.review_rewrite(answer.answer, ctx.deterministic, answer.citations,
                                              answer.calculator, extra)
        answer.answer = text
        if len(answer.answer) > 2 * len(ctx.deterministic) + 200:
            problems.append("改写过长")
        if not answer.answer.strip():
            problems.append("改写为空")
        if problems:
            answer.llm["accepted"] = False
            answer.llm["reason"] = "；".join(problems)
            answer.answer = ctx.deterministic
            bad = guard.check(answer.answer, answer.citations, answer.calculator, extra)
        else:
            answer.llm["accepted"] = True
            _keep_validity_first(answer)
            return {"passed": True, "llm": "accepted"}
    if bad:
        # The deterministic composer should never get here; fall back to the quotes alone.
        quotes = [render.block("quote", c.get("quote", ""), [i]) for i, c in enumerate(answer.citations, 1)]
        if quotes:
            answer.blocks = quotes
            answer.answer = render.plain_text(quotes)
        return {"passed": False, "unsupported": bad, "fallback": "quotes"}
    return {"passed": True, "llm": (answer.llm or {}).get("reason") and "discarded"}


def _keep_validity_first(answer) -> None:
    """A rewrite may not bury that a measure has ended: its notice stays the first line."""
    notices = [render.block_text(b) for b in answer.blocks if b["kind"] in render.FIRST_KINDS]
    if notices and not answer.answer.startswith(notices[0]):
        body = answer.answer
        for line in notices:
            body = body.replace(line, "")
        answer.answer = "\n".join(notices) + "\n" + body.strip()
