"""Small lookups over an AppTest tree."""
from __future__ import annotations


def button(at, label: str, contains: bool = False):
    found = [b for b in at.button if (label in b.label if contains else b.label == label)]
    assert found, f"no button {label!r}; have {[b.label for b in at.button]}"
    return found[0]


def assistant_messages(at):
    return [m for m in at.chat_message if m.name == "assistant"]


def text_of(block) -> str:
    parts = [m.value for m in block.markdown] + [c.value for c in block.caption]
    parts += [s.value for s in block.success] + [i.value for i in block.info]
    return "\n".join(parts)


def ask(at, question: str):
    at.chat_input[0].set_value(question).run()
    assert not at.exception, [e.value for e in at.exception]
    return assistant_messages(at)[-1]


def login(at, password: str, username: str = "li.hotline"):
    at.text_input(key="staff_username_input").set_value(username)
    at.text_input(key="staff_password_input").set_value(password)
    button(at, "登录").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at
