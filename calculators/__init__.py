"""Deterministic calculators: rules as dated, referenced data (``rules/*.yaml``), pure
functions that return values, a trace (``steps``) and citations.

Public surface: ``CALCULATORS``, ``run_calculator(name, inputs, today=None)``,
``missing_fields``, ``validate`` and ``param`` (rules loader)."""
from calculators.registry import CALCULATORS, missing_fields, run_calculator, validate
from calculators.rules import param

__all__ = ["CALCULATORS", "run_calculator", "missing_fields", "validate", "param"]
