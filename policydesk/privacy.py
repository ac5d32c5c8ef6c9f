"""Masking of personal identifiers before anything is stored, logged or echoed.

Citizens type identifiers in many forms: ASCII or full-width digits (１３８…), Chinese
numerals read out digit by digit (一三八一二三四五六七八, 幺三八…), other Unicode digits,
grouped by spaces, dashes or dots, and followed by any punctuation (``…0123.谢谢``). Every
form is found on a *shadow* of the text that has the same length: each character mapped to
what NFKC normalisation and the Chinese digit reading make of it. A match on the shadow is
masked at the same place in the original text.

Masked: 身份证号 (18 digits with a valid birth date, last may be X; the old 15 digits),
mobile numbers (+86 allowed), landlines with an area code (0351-7654321, （010）87654321),
bank cards and any other run of 16 or more digits, and e-mail addresses. The mask keeps a
few leading and trailing characters so staff can still tell records apart. OpenIDs are
never masked in text (they cannot be told from words): callers store ``hash_id(openid)``.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from functools import lru_cache

# Chinese digits as read out one by one (幺 is how 1 is read in phone numbers).
_CN_DIGITS = {"零": "0", "〇": "0", "○": "0", "洞": "0", "幺": "1", "一": "1", "壹": "1", "二": "2",
              "贰": "2", "两": "2", "三": "3", "叁": "3", "四": "4", "肆": "4", "五": "5", "伍": "5",
              "六": "6", "陆": "6", "七": "7", "柒": "7", "八": "8", "捌": "8", "九": "9", "玖": "9"}
# Blocks whose characters NFKC folds to one ASCII character: full-width forms, circled and
# parenthesised digits, mathematical alphanumerics; plus dashes and spaces that people use
# as separators.
_NFKC_RANGES = ((0x2460, 0x24FF), (0x2776, 0x2793), (0xFF01, 0xFF5E), (0x1D400, 0x1D7FF))
_SEPARATOR_FOLD = {"\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
                   "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                   "\u2015": "-", "\u2212": "-", "\u30fc": "-", "\u00b7": ".", "\u30fb": ".",
                   "\u3002": "."}


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for lo, hi in _NFKC_RANGES:
        for code in range(lo, hi + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded.isascii():
                table[code] = folded
    for ch, folded in {**_SEPARATOR_FOLD, **_CN_DIGITS}.items():
        table[ord(ch)] = folded
    return table


_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")


def shadow(text: str) -> str:
    """``text`` with every character replaced by its NFKC / Chinese-digit reading, keeping
    the length (one character for one character), so positions carry over."""
    out = text.translate(_fold_table())
    if _NON_ASCII_DIGIT.search(out):
        out = _NON_ASCII_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(0))), out)
    return out


_SEP = r"[ \-.]?"
_ID18 = re.compile(r"(?<!\d)([1-9]\d{5})" + _SEP + r"((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
                   r"(?:0[1-9]|[12]\d|3[01]))" + _SEP + r"(\d{3}[0-9Xx])(?!\d)")
_ID15 = re.compile(r"(?<!\d)([1-9]\d{5})" + _SEP + r"(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
                   + _SEP + r"(\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ \-]?)?(1[3-9]\d)(?:" + _SEP + r"\d){8}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:[(（]\s?(0\d{2,3})\s?[)）]|(0\d{2,3}))[ \-]?([2-9]\d{2})" + _SEP
                       + r"\d{2,3}" + _SEP + r"\d{2}(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d(?:" + _SEP + r"\d){15,}(?!\d)")   # bank cards: 16–19 digits, or longer
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+\-]*@"
                    r"((?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})")


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _mask_id(m: re.Match) -> str:
    tail = m.group(3)
    return m.group(1) + "*" * (len(_digits(m.group(2))) + len(tail) - 1) + tail[-1].upper()


def _mask_mobile(m: re.Match) -> str:
    d = _digits(m.group(0))[-11:]
    return d[:3] + "****" + d[-4:]


def _mask_landline(m: re.Match) -> str:
    area = m.group(1) or m.group(2)
    d = _digits(m.group(0))[len(area):]
    return area + "-" + "*" * (len(d) - 2) + d[-2:]


def _mask_long(m: re.Match) -> str:
    d = _digits(m.group(0))
    return d[:4] + "*" * (len(d) - 8) + d[-4:]


def _mask_email(m: re.Match) -> str:
    return m.group(1) + "***@" + m.group(2)


# Order matters: an ID card before a phone inside it, a mobile before a long run that would
# swallow a date typed in front of it.
_NUMBER_RULES = ((_ID18, _mask_id), (_MOBILE, _mask_mobile), (_LANDLINE, _mask_landline),
                 (_LONG_DIGITS, _mask_long), (_ID15, _mask_id))
# Where an identifier made of digits can be: a run of seven or more digit-like characters
# (any Unicode digit, Chinese digits, circled and full-width digits) and separators. Only
# such runs are mapped and matched, which keeps masking of long records cheap.
_DIGITISH = r"\d" + "".join(_CN_DIGITS) + r"\u2460-\u249b\u24ea-\u24ff\u2776-\u2793"
_CANDIDATE = re.compile(r"[(（+]?[" + _DIGITISH + r"](?:[" + _DIGITISH + r" \-.()（）\u3000\u00b7\u2010-\u2015\u2212"
                        r"\u30fc\u30fb\u3002]){6,}")
_AT = ("@", "\uff20", "\ufe6b")
_CONTEXT = 2   # characters either side a boundary check may look at


def _apply(rules, original: str, sh: str) -> str:
    for pattern, mask in rules:
        pieces, last = [], 0
        for m in pattern.finditer(sh):
            masked = mask(m)
            pieces.append((original[last:m.start()], sh[last:m.start()], masked))
            last = m.end()
        if pieces:
            original = "".join(o + r for o, _s, r in pieces) + original[last:]
            sh = "".join(s + r for _o, s, r in pieces) + sh[last:]
    return original


def mask_pii(text: str | None) -> str | None:
    """``text`` with every identifier in any written form masked; other text unchanged."""
    if not text or not isinstance(text, str):
        return text
    out, last = [], 0
    for m in _CANDIDATE.finditer(text):
        if sum(1 for ch in m.group(0) if ch.isdigit() or ch in _CN_DIGITS or "\u2460" <= ch <= "\u2793") < 7:
            continue
        lo, hi = max(last, m.start() - _CONTEXT), min(len(text), m.end() + _CONTEXT)
        region = text[lo:hi]
        masked = _apply(_NUMBER_RULES, region, shadow(region))
        if masked != region:
            out.append(text[last:lo] + masked)
            last = hi
    if out:
        text = "".join(out) + text[last:]
    if any(a in text for a in _AT):
        text = _apply(((_EMAIL, _mask_email),), text, shadow(text))
    return text


# Identifiers we make ourselves (hex ids, catalog ids): masking a digit run inside one would
# store a record under a key nobody can find. A client's session id is checked at the edge.
KEEP_KEYS = frozenset({"id", "doc_id", "faq_id", "answer_id", "session_id", "msg_id", "chunk_id"})


def mask_obj(value, keep: frozenset = KEEP_KEYS):
    """Mask every string inside a JSON-like structure (keys too), except the values of our
    own identifier keys in ``keep``."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, (list, tuple)):
        return [mask_obj(v, keep) for v in value]
    if isinstance(value, dict):
        return {(mask_pii(k) if isinstance(k, str) else k): (v if k in keep and isinstance(v, str)
                                                              else mask_obj(v, keep))
                for k, v in value.items()}
    return value


def contains_pii(text: str | None) -> bool:
    return bool(text) and mask_pii(text) != text


def hash_id(value: str, prefix: str = "") -> str:
    """A stable pseudonym for an identifier we must not store (an OpenID)."""
    return prefix + hashlib.sha256(("policydesk:" + value).encode("utf-8")).hexdigest()[:24]


# -- logs ----------------------------------------------------------------------------------
# Secrets that travel in URLs (WeChat's access_token, signatures) are cut out of log lines.
_SECRET_PARAM = re.compile(r"((?:access_token|secret|appsecret|signature|msg_signature|password)=)[^&\s\"']+",
                           re.IGNORECASE)


def _mask_log_text(text: str) -> str:
    return _SECRET_PARAM.sub(r"\1…", mask_pii(text))


class _MaskingFactory:
    """A log record factory that masks the message, its arguments and any traceback text at
    the moment a record is made, so no handler anywhere can print an identifier."""

    def __init__(self, previous):
        self.previous = previous

    def __call__(self, *args, **kwargs):
        record = self.previous(*args, **kwargs)
        # Arguments stay a tuple (uvicorn's access formatter unpacks them), each masked.
        if isinstance(record.msg, str):
            record.msg = _mask_log_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask_log_text(a) if isinstance(a, str) else _masked_repr(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _mask_log_text(v) if isinstance(v, str) else _masked_repr(v)
                           for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = _mask_log_text(logging.Formatter().formatException(record.exc_info))
        return record


def _masked_repr(value):
    """Numbers and None pass as they are (``%d`` needs them); anything else is masked text."""
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return _mask_log_text(str(value)) if not isinstance(value, (bytes, bytearray)) else value


def install_log_masking() -> None:
    """Mask PII in every log record of this process (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _MaskingFactory):
        logging.setLogRecordFactory(_MaskingFactory(factory))
