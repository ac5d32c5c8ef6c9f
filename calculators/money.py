"""Money in yuan as ``Decimal``: inputs are converted exactly (never through binary floats),
every amount shown is rounded half-up to the cent (0.01 yuan), and the trace says so.

The JSON a calculator returns carries amounts as numbers (an int when whole, else a float
with at most two decimals) so that ``json.dumps`` and the API need no special encoder."""
from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ROUNDING_ZH = "金额四舍五入保留到分（0.01元）"


def dec(value) -> Decimal:
    """An exact Decimal from an int, a Decimal, a float as typed (``str``) or a numeric string."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def cents(value) -> Decimal:
    """Rounded half-up to 0.01 yuan."""
    return dec(value).quantize(CENT, rounding=ROUND_HALF_UP)


def whole_days(value) -> int:
    """Fractions of a day dropped (the annual-leave rules: 不足1整天的部分不享受)."""
    return int(dec(value).to_integral_value(rounding=ROUND_FLOOR))


def yuan(value: Decimal | None):
    """The JSON form of an amount: None, an int when whole, else a float of two decimals."""
    if value is None:
        return None
    value = cents(value)
    return int(value) if value == value.to_integral_value() else float(value)


def fmt(value) -> str:
    """An amount as people read it in an answer: 18000.00, 112.50 (no thousands separator,
    so that the numeric guard and copy-paste see one number)."""
    return f"{cents(value):.2f}"


def num(value) -> str:
    """A plain number without trailing zeros: 0.5, 3, 21.75, 150."""
    d = dec(value)
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def plain(value):
    """A non-money number for JSON: None, an int when whole, else a float (150, 0.5, 21.75)."""
    if value is None:
        return None
    d = dec(value)
    return int(d) if d == d.to_integral_value() else float(d)
