"""The calculators' input fields as plain dicts, read from calculators.registry."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=None)
def _specs() -> dict:
    from calculators.registry import CALCULATORS

    out = {}
    for name, spec in CALCULATORS.items():
        fields = {}
        for f in _fields_of(spec):
            get = (lambda k, d=None, f=f: f.get(k, d) if isinstance(f, dict) else getattr(f, k, d))
            fields[get("name")] = {"name": get("name"), "type": get("type", "str"),
                                   "required": bool(get("required", False)),
                                   "default": get("default"), "label_zh": get("label_zh", get("name")),
                                   "ask_zh": get("ask_zh"), "unit": get("unit", "") or ""}
        out[name] = fields
    return out


def _fields_of(spec):
    return spec.get("fields", []) if isinstance(spec, dict) else getattr(spec, "fields", [])


def all_field_specs() -> dict:
    """{calculator name: {field name: field dict}} for every calculator."""
    return _specs()


def field_specs(name: str) -> dict:
    return _specs().get(name, {})


def calculator_title(name: str) -> str:
    from calculators.registry import CALCULATORS

    spec = CALCULATORS.get(name)
    if spec is None:
        return name
    return spec.get("title_zh", name) if isinstance(spec, dict) else getattr(spec, "title_zh", name)
