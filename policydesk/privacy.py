"""Masking of personal identifiers before anything is logged or stored.

身份证号 (18 digits, last may be X; or the old 15 digits), mobile phone numbers and bank-card
numbers (16–19 digits, optionally grouped by spaces or dashes) are replaced by a mask that
keeps only a few leading and trailing characters, so staff can still tell records apart."""
from __future__ import annotations

import re

_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}([0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<!\d)([1-9]\d{5})\d{6}\d{2}(\d)(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_CARD = re.compile(r"(?<![\d.])\d(?:[ -]?\d){15,18}(?![\d.])")


def _mask_card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_pii(text: str | None) -> str | None:
    if not text:
        return text
    text = _ID18.sub(lambda m: m.group(1) + "********" + "***" + m.group(2), text)
    text = _CARD.sub(_mask_card, text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = _ID15.sub(lambda m: m.group(1) + "******" + "**" + m.group(2), text)
    return text


def mask_obj(value):
    """Mask every string inside a JSON-like structure."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, list):
        return [mask_obj(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_obj(v) for k, v in value.items()}
    return value
