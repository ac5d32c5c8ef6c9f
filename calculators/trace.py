"""The trace a calculator leaves: parameters read (with date key, value, unit, label,
reference), computation steps in Chinese, and the citations behind the result."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from policydesk.errors import InputError

from calculators.rules import ParamValue, citation, param, parameter


class Trace:
    def __init__(self, on: dt.date | None):
        self.on = on
        self.steps: list[dict] = []
        self.citations: list[dict] = []

    def read(self, name: str, on: Any = ..., cite: bool = True, required: bool = False,
             field: str = "date", field_zh: str = "查询日期") -> ParamValue:
        """Read a parameter on the trace date (or ``on``), record it and cite its reference.
        ``required``: a date before the rule took effect is an input error on ``field`` (the
        input that chose the date: ``date`` by default, ``end`` for a severance …)."""
        value = param(name, self.on if on is ... else on)
        if required and value.value is None:
            first = parameter(name).history()
            since = f"，资料中的规定自{first[0].date_key.isoformat()}起适用" if first else ""
            day = self.on if on is ... else on
            raise InputError(f"“{field_zh}”{day}时尚无“{value.label}”的规定{since}。",
                             f"{field}: no value of {name} in force on {day}", field=field)
        self.steps.append(value.to_step())
        if cite and value.date_key is not None:
            self.cite(value.reference)
        return value

    def record(self, value: ParamValue) -> ParamValue:
        """Record a value read elsewhere (e.g. one round of a history)."""
        self.steps.append(value.to_step())
        self.cite(value.reference)
        return value

    def compute(self, text: str, **data: Any) -> None:
        """A computation in Chinese, with the values it produced (exact Decimals become JSON
        numbers: an int when whole, else a float)."""
        clean = {k: (int(v) if v == v.to_integral_value() else float(v)) if isinstance(v, Decimal) else v
                 for k, v in data.items()}
        self.steps.append({"kind": "compute", "text": text, **clean})

    def cite(self, reference: dict) -> dict:
        c = citation(reference)
        if c not in self.citations:
            self.citations.append(c)
        return c
