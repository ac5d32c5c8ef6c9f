"""Generated personal identifiers in every written form, and the leak check the PII tests use.

A value is "leaked" in a text when its digits (or its e-mail address) can be read back from
the text after the same folding a reader would do: NFKC, Chinese digits read one by one,
separators ignored *inside* a number. So a masked 138****5678 does not leak 13812345678,
but １３８ １２３４ ５６７８ or 一三八一二三四五六七八 does."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import strategies as st

_CN = "零一二三四五六七八九"
_CN_ALT = {"0": "〇", "1": "幺", "2": "两"}
_MATH_BOLD = 0x1D7CE   # 𝟎


def digits_of(text: str) -> str:
    """Every character read as a digit where it is one (any Unicode digit, Chinese digits);
    other characters kept as they are."""
    out = []
    for ch in text:
        if ch in _CN:
            out.append(str(_CN.index(ch)))
        elif ch in "〇○洞":
            out.append("0")
        elif ch == "幺":
            out.append("1")
        elif ch == "两":
            out.append("2")
        elif ch.isdigit() or unicodedata.category(ch) == "No":
            folded = unicodedata.normalize("NFKC", ch)
            out.append(folded if folded.isdigit() else ch)
        else:
            out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out)


_JOINERS = re.compile(r"(?<=[0-9Xx])[\s\-.·()（）+]+(?=[0-9Xx])")


def leaks(raw: str, text) -> bool:
    """True when ``raw`` (digits, an ID ending in X, or an e-mail) can be read in ``text``."""
    if not isinstance(text, str):
        text = str(text)
    folded = digits_of(text)
    if "@" in raw:
        return raw.lower() in folded.lower()
    compact = _JOINERS.sub("", folded)
    return raw.upper() in compact.upper() or raw in folded


# -- generators ------------------------------------------------------------------------------
def _luhn_tail(body: str) -> str:
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d)
        if i % 2 == 0:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return str((10 - total % 10) % 10)


@st.composite
def _id18(draw):
    region = draw(st.sampled_from(["110101", "140105", "140702", "310115", "440305"]))
    year = draw(st.integers(1930, 2020))
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    seq = draw(st.integers(0, 999))
    check = draw(st.sampled_from("0123456789X"))
    return f"{region}{year}{month:02d}{day:02d}{seq:03d}{check}"


@st.composite
def _id15(draw):
    region = draw(st.sampled_from(["110101", "140105", "410102"]))
    yy, month, day = draw(st.integers(30, 99)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    return f"{region}{yy:02d}{month:02d}{day:02d}{draw(st.integers(0, 999)):03d}"


@st.composite
def _mobile(draw):
    return "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                       min_size=9, max_size=9)))


@st.composite
def _landline(draw):
    area = draw(st.sampled_from(["010", "021", "0351", "0357", "0354"]))
    local = draw(st.sampled_from("2345678")) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                   min_size=6, max_size=7)))
    return area + local


@st.composite
def _card(draw):
    n = draw(st.integers(16, 19))
    body = draw(st.sampled_from(["622202", "621700", "622848", "436742"])) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=n - 7, max_size=n - 7)))
    return body + _luhn_tail(body)


@st.composite
def _email(draw):
    local = draw(st.from_regex(r"[a-z][a-z0-9._]{2,11}[a-z0-9]", fullmatch=True))
    domain = draw(st.sampled_from(["example.com", "qq.com", "163.com", "sx.gov.cn"]))
    return f"{local}@{domain}"


PII_FORMS = {"id18": _id18(), "id15": _id15(), "mobile": _mobile(), "landline": _landline(),
             "card": _card(), "email": _email()}


def _write_digits(draw, raw: str, kind: str) -> tuple[str, str]:
    """One written form of a digit string: ASCII, full-width, Chinese digits, mathematical
    digits, circled digits (1–9 only), grouped with spaces, dashes or dots."""
    style = draw(st.sampled_from(["ascii", "fullwidth", "chinese", "chinese_alt", "math", "mixed"]))

    def one(ch: str, style: str) -> str:
        if not ch.isdigit():
            return {"X": draw(st.sampled_from(["X", "x", "Ｘ"]))}.get(ch, ch)
        if style == "fullwidth":
            return chr(0xFF10 + int(ch))
        if style == "chinese":
            return _CN[int(ch)]
        if style == "chinese_alt":
            return _CN_ALT.get(ch, _CN[int(ch)])
        if style == "math":
            return chr(_MATH_BOLD + int(ch))
        return ch

    if style == "mixed":
        chars = [one(ch, draw(st.sampled_from(["ascii", "fullwidth", "chinese"]))) for ch in raw]
    else:
        chars = [one(ch, style) for ch in raw]
    label = style
    groups = {"mobile": [3, 4, 4], "card": [4, 4, 4, 4, 4], "id18": [6, 8, 4], "id15": [6, 6, 3]}.get(kind)
    sep = draw(st.sampled_from(["", "", " ", "-", "\u3000", "."]))
    if groups and sep:
        out, i = [], 0
        for g in groups:
            if i >= len(chars):
                break
            out.append("".join(chars[i:i + g]))
            i += g
        if i < len(chars):
            out.append("".join(chars[i:]))
        text = sep.join(out)
    else:
        text = "".join(chars)
    label += "+grouped" if groups and sep else ""
    if kind == "mobile" and draw(st.booleans()):
        text = draw(st.sampled_from(["+86", "86 ", "+86-", "0086"])) + text
        label += "+country"
    if kind == "landline":
        area_len = 4 if raw.startswith("03") else 3
        area, local = text[:area_len], text[area_len:]
        shape = draw(st.sampled_from(["dash", "paren", "fullwidth-paren", "space", "plain"]))
        text = {"dash": f"{area}-{local}", "paren": f"({area}){local}", "fullwidth-paren": f"（{area}）{local}",
                "space": f"{area} {local}", "plain": f"{area}{local}"}[shape]
        label += "+" + shape
    return text, label


@st.composite
def pii_values(draw, kinds=tuple(PII_FORMS)):
    """(raw value, one written form of it)."""
    raw, written, _form = draw(pii_forms(kinds))
    return raw, written


@st.composite
def pii_forms(draw, kinds=tuple(PII_FORMS)):
    """(raw value, one written form of it, a label of the form such as "mobile/chinese+grouped")."""
    kind = draw(st.sampled_from(kinds))
    raw = draw(PII_FORMS[kind])
    if kind == "email":
        if draw(st.booleans()):   # full-width letters and ＠
            return raw, "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in raw), "email/fullwidth"
        return raw, raw, "email/ascii"
    written, label = _write_digits(draw, raw, kind)
    return raw, written, f"{kind}/{label}"


_FILLER = st.text(alphabet=st.sampled_from(list("我的电话号码是卡号身份证邮箱请问爱心消费券怎么领失业保险金谢谢呢吗，。！？；：、（）“”abcXYZ "
                                              ".,;:!?()[]<>/\\'\"#*_~$&%=+\n\t")), max_size=20)


@st.composite
def surrounding_text(draw, written: str):
    """``written`` inside random text that puts no digit right next to it (a digit typed
    against a number makes it another number)."""
    before, after = draw(_FILLER), draw(_FILLER)
    return before + written + after
