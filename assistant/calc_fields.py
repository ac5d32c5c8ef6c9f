"""The calculators' input fields as plain dicts (what the chat asks and checks), read
from calculators.registry."""
from __future__ import annotations

from functools import lru_cache

from calculators.registry import CALCULATORS


@lru_cache(maxsize=None)
def all_field_specs() -> dict:
    """{calculator name: {field name: field dict}} for every calculator."""
    return {name: {f.name: {"name": f.name, "type": f.type, "required": f.required, "default": f.default,
                            "label_zh": f.label_zh, "ask_zh": f.ask_zh}
                   for f in spec.fields}
            for name, spec in CALCULATORS.items()}


def field_specs(name: str) -> dict:
    return all_field_specs().get(name, {})


def calculator_title(name: str) -> str:
    spec = CALCULATORS.get(name)
    return spec.title_zh if spec else name
