"""Dialog state: what a calculator still needs from this session. Stored through the
database so any API worker can continue a conversation; no session id = no memory.
Besides a pending calculator, the state keeps the last topic (``last``) that a follow-up
such as 那签三年的呢？ continues."""
from assistant.steps.understand_step import remember



def load(answer, ctx):
    if not answer.session_id:
        return {"session": None}
    ctx.state = ctx.services.store.dialog_get(answer.session_id) or {}
    return {"pending": (ctx.state.get("pending") or {}).get("calculator")}


def save(answer, ctx):
    if answer.session_id:
        remember(answer, ctx)
    if not answer.session_id or not ctx.state_changed:
        return {"saved": False}
    ctx.services.store.dialog_put(answer.session_id, ctx.state)
    return {"saved": True, "pending": (ctx.state.get("pending") or {}).get("calculator")}
