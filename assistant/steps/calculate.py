"""Calculate: run the deterministic calculator; bad slot values become a follow-up question."""
from policydesk.errors import InputError


def run(answer, ctx):
    if ctx.route != "calculator":
        return {"skipped": True}
    name = ctx.understanding.intent
    inputs = ctx.calc_inputs
    try:
        result = ctx.services.calculators.run(name, inputs, today=ctx.today)
    except InputError as exc:
        ctx.route = "follow_up"
        field = exc.field
        ctx.missing = [field] if field else []
        ctx.input_problem = exc.message_zh
        pending_slots = {k: v for k, v in inputs.items() if k != field}
        ctx.state = {**(ctx.state or {}), "pending": {"calculator": name, "slots": pending_slots,
                                                      "asked": field, "missing": ctx.missing}}
        ctx.state_changed = True
        return {"input_error": exc.message_en, "field": field}
    ctx.calc_result = result
    answer.calculator = {"name": name, "inputs": inputs, "result": result}
    return {"calculator": name, "eligible": result.get("eligible")}
