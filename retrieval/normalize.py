"""Query text normalization: what a citizen types → what the index was built from.

Citizens type traditional characters (愛心消費券), full-width digits from phone keyboards
(１５００元), Chinese numerals (一千五百元, 十二年) and stray spaces. The cleaned policy
texts are simplified Chinese with Arabic digits, so the query is brought to that form
before tokenizing and embedding.

Chinese punctuation (，。；：（）“”) is kept as is: it is what the documents use, and the
evidence quotes people copy from them contain it.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from policydesk.numerals import CN_BIG_UNITS, CN_NUM_CHARS, cn_to_int

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Full-width forms that are safe to fold to ASCII: letters, digits and the symbols that
# are not ordinary Chinese punctuation. ，。！？；：（）“” stay full-width on purpose.
_KEEP_FULLWIDTH = set("，！？；：（）")
_FOLD = {}
for _code in range(0xFF01, 0xFF5F):
    _ch = chr(_code)
    if _ch not in _KEEP_FULLWIDTH:
        _FOLD[_code] = _code - 0xFEE0
_FOLD[0x3000] = 0x20  # ideographic space

# A numeral is converted only when a counting word follows it; "一次办结", "统一", "三险"
# are words, not quantities. A lone 两 stays (the texts write 两年内, 两次).
_UNIT_WORDS = ("个月", "周岁", "块钱", "元", "块", "岁", "年", "月", "日", "号", "天", "周",
               "人次", "万元", "亿元", "倍", "小时", "分钟", "个工作日")
_NUMERAL_RE = re.compile(rf"([{CN_NUM_CHARS}]+)(?=({'|'.join(_UNIT_WORDS)}))")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _replace_numeral(match: re.Match) -> str:
    numeral = match.group(1)
    if numeral in ("两", "俩") or (len(numeral) == 1 and numeral in CN_BIG_UNITS):
        return numeral
    if numeral[-1] in CN_BIG_UNITS and match.group(2) in ("元",):
        # 一千五百万元 style: keep the big unit with the number (1500万元)
        value = cn_to_int(numeral[:-1])
        return f"{value}{numeral[-1]}" if value is not None else numeral
    value = cn_to_int(numeral)
    return str(value) if value is not None else numeral


def convert_chinese_numerals(text: str) -> str:
    """Chinese numerals followed by a counting word become Arabic: 十二年 → 12年."""
    return _NUMERAL_RE.sub(_replace_numeral, text)


def normalize_text(text: str) -> str:
    """Traditional → simplified, full-width letters/digits → ASCII, Chinese numerals before
    a counting word → digits, whitespace between Chinese characters removed, trimmed.

    The result can be shorter than the input: use it for searching, never for spans."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = text.translate(_FOLD)
    text = _t2s().convert(text)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(rf"(?<=[{_CJK}0-9]) (?=[{_CJK}])|(?<=[{_CJK}]) (?=[{_CJK}0-9])", "", text)
    text = convert_chinese_numerals(text)
    return text.strip()
