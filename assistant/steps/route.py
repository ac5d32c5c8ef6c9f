"""Route: chit-chat, a calculator with all it needs, passages plus a follow-up question for
a missing slot, or passages alone."""
from assistant import messages
from assistant.answer import CHITCHAT, DECLINED
from assistant.calc_fields import all_field_specs, field_specs


def run(answer, ctx):
    u = ctx.understanding
    if u.intent == "chitchat":
        thanks = any(w in answer.normalized for w in ("谢", "感谢"))
        answer.finish(CHITCHAT, messages.THANKS if thanks else messages.CHITCHAT, citations=[])
        ctx.deterministic = answer.answer
        return {"route": "chitchat"}
    if u.intent not in all_field_specs():
        ctx.route = "search"
        return {"route": "search"}
    elsewhere = ctx.services.searcher.foreign_places(answer.normalized)
    if elsewhere:
        # The calculators hold Shanxi rules only: 上海的失业金 is not ours to compute.
        answer.finish(DECLINED, messages.DECLINED, citations=[])
        ctx.deterministic = answer.answer
        return {"route": "declined", "calculator": u.intent, "other_region": elsewhere}

    fields = field_specs(u.intent)
    inputs = {k: v for k, v in u.slots.items() if k in fields}
    # A date the citizen did not give (the rules' as-of day) is the day asked: the
    # calculators fill it from ``ctx.today``.
    missing = [f.name for f in ctx.services.calculators.missing(u.intent, inputs, ctx.today)]
    bad = [name for name in u.problems if name in fields]
    answer.slots = inputs
    # Conditions (yes/no facts) we were not told are assumed, said so, and asked about;
    # a missing quantity or date cannot be assumed and is asked for first.
    assumable = [m for m in missing if fields[m]["type"] == "bool"]
    blocking = bad + [m for m in missing if m not in assumable and m not in bad]
    if blocking:
        ctx.route = "follow_up"
        ctx.missing = blocking + assumable
        _remember(ctx, u.intent, inputs, ctx.missing)
        return {"route": "follow_up", "calculator": u.intent, "missing": ctx.missing}
    ctx.route = "calculator"
    ctx.assumed = assumable
    ctx.calc_inputs = {**inputs, **{m: True for m in assumable}}
    if assumable:
        ctx.missing = assumable
        _remember(ctx, u.intent, inputs, assumable)
    elif (ctx.state or {}).get("pending"):
        ctx.state = {k: v for k, v in ctx.state.items() if k != "pending"}
        ctx.state_changed = True
    return {"route": "calculator", "calculator": u.intent, "inputs": ctx.calc_inputs,
            "assumed": assumable}


def _remember(ctx, name: str, inputs: dict, missing: list[str]) -> None:
    ctx.state = {**(ctx.state or {}), "pending": {"calculator": name, "slots": inputs,
                                                  "asked": missing[0], "missing": missing}}
    ctx.state_changed = True
