"""Route: chit-chat, a calculator with all it needs, passages plus a follow-up question for
a missing slot, or passages alone."""
from assistant import messages, referrals
from assistant.answer import CHITCHAT
from assistant.calc_fields import all_field_specs, calculator_spec, field_specs


def run(answer, ctx):
    u = ctx.understanding
    if u.intent == "restart":
        answer.finish(CHITCHAT, messages.RESTARTED, citations=[])
        ctx.deterministic = answer.answer
        return {"route": "restart"}
    if u.intent == "chitchat":
        thanks = any(w in answer.normalized for w in ("谢", "感谢"))
        answer.finish(CHITCHAT, messages.THANKS if thanks else messages.CHITCHAT, citations=[])
        ctx.deterministic = answer.answer
        return {"route": "chitchat"}
    if u.intent not in all_field_specs():
        ctx.route = "search"
        return {"route": "search"}
    elsewhere = ctx.services.searcher.foreign_places(ctx.query or answer.normalized)
    if elsewhere:
        # The calculators hold Shanxi rules only: 上海的失业金 is not ours to compute.
        referrals.decline(answer)
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
    ctx.then_ask = _then_ask(u.intent, inputs)
    if assumable:
        ctx.missing = assumable
        _remember(ctx, u.intent, inputs, assumable)
    elif ctx.then_ask:
        # The answer is given without an optional fact that would sharpen it (the wage for
        # an amount); the next message may bring it.
        _remember(ctx, u.intent, inputs, ctx.then_ask)
    elif (ctx.state or {}).get("pending"):
        ctx.state = {k: v for k, v in ctx.state.items() if k != "pending"}
        ctx.state_changed = True
    return {"route": "calculator", "calculator": u.intent, "inputs": ctx.calc_inputs,
            "assumed": assumable}


def _remember(ctx, name: str, inputs: dict, missing: list[str]) -> None:
    ctx.state = {**(ctx.state or {}), "pending": {"calculator": name, "slots": inputs,
                                                  "asked": missing[0], "missing": missing}}
    ctx.state_changed = True


def _then_ask(name: str, inputs: dict) -> list[str]:
    """The spec's ``chat.then_ask`` inputs not given, nor any input that stands in for them
    (a daily wage instead of the monthly one: one exclusive group)."""
    spec = calculator_spec(name)
    if spec is None or spec.chat is None:
        return []
    out = []
    for wanted in spec.chat.then_ask:
        peers = {wanted}.union(*[set(g) for g in spec.exclusive if wanted in g])
        if not peers & set(inputs):
            out.append(wanted)
    return out
