"""The calculators' input fields as plain dicts (what the chat asks and checks), read
from each calculator's spec in calculators.registry."""
from __future__ import annotations

from calculators.registry import CALCULATORS, CalculatorSpec


def all_field_specs() -> dict:
    """{calculator name: {field name: field dict}} for every calculator (built on each call:
    a calculator added at run time is seen at once)."""
    return {name: {f.name: {"name": f.name, "type": f.type, "required": f.required, "default": f.default,
                            "label_zh": f.label_zh, "ask_zh": f.ask_zh, "unit": f.unit,
                            "choices": [(c.value, c.label_zh) for c in f.choices],
                            "min": f.min, "max": f.max, "range_zh": f.range_zh}
                   for f in spec.fields}
            for name, spec in CALCULATORS.items()}


def field_specs(name: str) -> dict:
    return all_field_specs().get(name, {})


def calculator_spec(name: str) -> CalculatorSpec | None:
    return CALCULATORS.get(name)


def calculator_title(name: str) -> str:
    spec = CALCULATORS.get(name)
    return spec.title_zh if spec else name
