"""The one Chinese-numeral parser: 一千五百 → 1500, 二〇二三 → 2023, 两万 → 20000.

Values come from cn2an; the two forms it does not read (俩, and ○ written for 〇) are
folded first. Which runs of numerals a text converts is each caller's decision (a query
keeps 统一 and 一次办结; a slot reader converts 一年半); the value of a run is decided here."""
from __future__ import annotations

import re

CN_DIGITS = "零〇○一壹二贰两俩三叁四肆五伍六陆七柒八捌九玖"
CN_UNITS = "十拾百佰千仟"
CN_BIG_UNITS = "万亿"
CN_NUM_CHARS = CN_DIGITS + CN_UNITS + CN_BIG_UNITS
CN_NUMBER = re.compile(f"[{CN_NUM_CHARS}]+")

_FOLD = str.maketrans({"俩": "两", "○": "〇"})


def cn_to_int(text: str) -> int | None:
    """The value of a run of Chinese numerals, or None when it is not one number
    (十十, a lone 万, or anything with other characters)."""
    if not text or any(ch not in CN_NUM_CHARS for ch in text):
        return None
    # cn2an builds three converters from YAML when imported (about 0.4 s): imported here,
    # it is paid only by a process that meets a Chinese numeral, not by every CLI call.
    import cn2an

    try:
        value = cn2an.cn2an(text.translate(_FOLD), "normal")
    except ValueError:
        return None
    return int(value)
