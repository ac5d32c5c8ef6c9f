"""The answer line: the clause of a quoted sentence that states the answer.

A sentence of a policy text often runs to 150 characters and says four things; the
citizen asked about one. The sentence is cut into clauses (at ，；：and before list items
such as （一） or 1.; never inside brackets or quotation marks) and the run of neighbouring
clauses that best answers the question is chosen:

- the IDF-weighted share of the question's words it holds (colloquial words expanded to
  the policy wording, as everywhere in retrieval);
- whether it states what the question asks for (an amount for 多少钱, a date for 什么时候,
  a duration for 多久, an office for 谁/哪个部门, a place for 去哪里 …);
- its length: a line a phone shows at once (``TARGET_CHARS``); never more than
  ``MAX_CHARS``.

A sentence short enough is kept whole. A clause that says nothing alone (a bare date such
as 2021年11月，) is joined to the next. The chosen span is verbatim: ``doc.text[start:end]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TARGET_CHARS = 56   # a line the citizen reads at once
MAX_CHARS = 80      # never longer (the rendered line adds quotes and a marker)
MIN_CJK = 6         # a clause with fewer Chinese characters is joined to its neighbour
LENGTH_PENALTY = 0.006  # per character past TARGET_CHARS
TIE_PENALTY = 0.0015    # per character: of two runs saying as much, the shorter
SHORT_PENALTY = 0.004   # per character under 18: a fragment rarely reads as an answer

_OPEN = "（(《“‘「『【["
_CLOSE = "）)》”’」』】]"
_CUT_AFTER = "，；：,;:。！？!?"
# A list item starts a clause: （一）, (二), 1. 2、 ①
_ITEM = re.compile(r"[（(][一二三四五六七八九十0-9]{1,3}[）)]|(?<![\d.])\d{1,2}[.、](?!\d)|[①-⑳]")
_ARTICLE_HEAD = re.compile(r"^第[一二三四五六七八九十百千零〇两0-9]+条(?:之[一二三四五六七八九十]+)?[\s　]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_EDGE = "，；：,;:、 \t\u3000"
# A clause that states a condition: …的 / …时 / …后 / 有下列情形之一 before its rule.
_CONDITION = re.compile(r"(?:的|时|期间|之一)$")

# What a question asks for → the shape of a clause that states it. Amount, date, duration
# and count come first (classic answer typing); who, where and how name the kind of
# words a clause answering them carries.
_NUM = r"[\d一二三四五六七八九十百千万两半]"
QUESTION_TYPES = (
    ("amount", re.compile(r"多少钱|多少元|几块钱|发多少|领多少|给多少|赔多少|补多少|金额|补贴多少|标准是多少|多少补贴|拿多少|多少工资|多少费"),
     re.compile(rf"{_NUM}[\d.]*(?:万|亿)?元|工资|倍|百分之|%")),
    ("date", re.compile(r"什么时候|何时|哪天|几号|几月|截止|到什么时间|啥时候|哪一天|哪年|多会儿"),
     re.compile(r"\d{4}年|\d{1,2}月(?:\d{1,2}日|底|初)?|之日起|之前|以前|届满|期满")),
    ("count", re.compile(r"几次|几回|多少次|几轮|几批|多少人"),
     re.compile(rf"{_NUM}+(?:次|回|轮|批|万人次|人次)")),
    ("duration", re.compile(r"多久|多长时间|多长|几个月|几年|几天|多少天|期限|多少个月|时效"),
     re.compile(rf"{_NUM}+(?:年|个月|日|天|周|小时)|不超过|不得超过|最长|以内|之日起")),
    ("ratio", re.compile(r"百分之几|比例|多少倍|几倍|费率|比率"),
     re.compile(rf"百分之|%|‰|{_NUM}+倍|比例")),
    ("age", re.compile(r"多少岁|几岁|多大岁数|年龄"), re.compile(rf"{_NUM}+(?:周岁|岁)")),
    ("who", re.compile(r"谁|哪个部门|哪些部门|什么部门|哪个单位|哪个机构|由哪|找哪"),
     re.compile(r"由|负责|部门|机构|人民政府|单位|委员会|法院|办事处")),
    ("where", re.compile(r"哪里|哪儿|去哪|在哪|什么地方|哪个地方|向哪"),
     re.compile(r"向|到|在|所在地|户籍地|办事处|机构|窗口|线上|网上")),
    ("how", re.compile(r"怎么|如何|怎样|咋|啥办法|什么方式|什么渠道"),
     re.compile(r"通过|可以|应当|方式|申请|办理|依法|按照|由")),
    ("condition", re.compile(r"什么条件|哪些条件|什么情况|哪些情形|哪些情况|能不能|可不可以|是否|算不算|可以吗|能吗|吗"),
     re.compile(r"的[，,；;]|有下列|之一|应当|不得|可以|视同|认定")),
)
TYPE_BONUS = 0.35
DENSE_WEIGHT = 0.7   # eval/statutes.yaml, rank-1 answers, first line holds the evidence: 0 → 0.56, 0.4 → 0.63, 0.7 → 0.64, 1.0 → 0.65


@dataclass(frozen=True)
class Clause:
    start: int   # offsets in the text given to ``split_clauses`` (plus ``offset``)
    end: int
    text: str


def split_clauses(text: str, offset: int = 0) -> list[Clause]:
    """``text`` cut into clauses at ，；：(and sentence ends), before list items; never inside
    brackets or quotation marks. Leading and trailing separators stay out of each span."""
    cuts = [0]
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "\n":
            cuts.append(i + 1)
            depth = 0
        elif ch in _CUT_AFTER and depth == 0:
            cuts.append(i + 1)
    for m in _ITEM.finditer(text):
        if m.start() > 0 and text[m.start() - 1] in "：:；;。\n 　":
            cuts.append(m.start())
    cuts = sorted(set(c for c in cuts if 0 <= c <= len(text))) + [len(text)]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and text[a] in _EDGE + "\n":
            a += 1
        while b > a and text[b - 1] in _EDGE + "\n":
            b -= 1
        if b > a:
            out.append(Clause(offset + a, offset + b, text[a:b]))
    return out


def _ends_line(source: str, offset: int, clause: Clause) -> bool:
    """The clause closes its sentence or line: nothing after it may be joined to it."""
    rest = source[clause.end - offset:clause.end - offset + 2]
    return not rest or rest[0] in "。！？!?\n" or rest.lstrip(_EDGE)[:1] == "\n"


def _merge_short(clauses: list[Clause], source: str, offset: int) -> list[Clause]:
    """Join a clause that says nothing alone (2021年11月，) to the one after it, and a
    condition (…不满一年的，) to the rule it sets (试用期不得超过一个月): a line that ends on
    its condition answers nothing. Never across a sentence end or a line break."""
    out: list[Clause] = []
    pending: Clause | None = None
    for c in clauses:
        if pending is not None:
            c = Clause(pending.start, c.end, source[pending.start - offset:c.end - offset])
            pending = None
        if _ends_line(source, offset, c):
            out.append(c)
            continue
        if len(_CJK.findall(c.text)) < MIN_CJK or _CONDITION.search(c.text):
            pending = c
            continue
        out.append(c)
    if pending is not None:
        if out:
            last = out.pop()
            out.append(Clause(last.start, pending.end, source[last.start - offset:pending.end - offset]))
        else:
            out.append(pending)
    return out


def question_types(question: str) -> list[tuple[str, re.Pattern]]:
    """The kinds of answer ``question`` asks for, with the shape of a clause stating each."""
    return [(name, shape) for name, asks, shape in QUESTION_TYPES if asks.search(question)]


def best_span(question_weights: dict[str, float], tokenize, text: str, offset: int = 0,
              question: str = "", similarity=None) -> tuple[int, int, float]:
    """(start, end, score) of the run of clauses of ``text`` that best answers the question.

    ``question_weights`` maps the question's tokens to their weights (IDF); ``tokenize``
    turns a clause into tokens. ``similarity`` (optional) maps clause texts to their cosines
    with the question: a run gains ``DENSE_WEIGHT`` × its best clause's cosine, min-max
    scaled over the sentence's clauses (the words of 生孩子 and 流产 overlap the question
    alike; their meaning does not). Offsets are ``offset`` + positions in ``text``."""
    head = _ARTICLE_HEAD.match(text)
    skip = head.end() if head else 0
    body = text[skip:]
    base = offset + skip
    stripped = body.strip(_EDGE + "。\n")
    types = question_types(question)
    total = sum(question_weights.values()) or 1.0

    def score(span_text: str, tokens: set) -> float:
        lexical = sum(w for t, w in question_weights.items() if t in tokens) / total
        typed = TYPE_BONUS if any(shape.search(span_text) for _, shape in types) else 0.0
        n = len(span_text)
        penalty = (LENGTH_PENALTY * max(0, n - TARGET_CHARS) + SHORT_PENALTY * max(0, 18 - n)
                   + TIE_PENALTY * n)
        return lexical + typed - penalty

    if (len(stripped) <= TARGET_CHARS and "\n" not in stripped) or not body:
        a = body.find(stripped) if stripped else 0
        start, end = base + a, base + a + len(stripped)
        return start, end, score(stripped, set(tokenize(stripped)))
    clauses = _merge_short(split_clauses(body, base), body, base)
    if not clauses:
        return base, base + len(body), 0.0
    tokens = [set(tokenize(c.text)) for c in clauses]
    dense = [0.0] * len(clauses)
    if similarity is not None and len(clauses) > 1:
        sims = list(similarity([c.text for c in clauses]))
        lo, hi = min(sims), max(sims)
        dense = [DENSE_WEIGHT * (x - lo) / ((hi - lo) or 1.0) for x in sims]
    best = None
    for i in range(len(clauses)):
        union: set = set()
        for j in range(i, len(clauses)):
            start, end = clauses[i].start, clauses[j].end
            if end - start > MAX_CHARS and j > i:
                break
            if j > i and _ends_line(body, base, clauses[j - 1]):
                break   # one line: never across a sentence end or a line break
            union |= tokens[j]
            span_text = body[start - base:end - base]
            s = score(span_text, union) + max(dense[i:j + 1])
            if end - start > MAX_CHARS:
                s -= 1.0   # a single clause longer than the line: only if nothing else
            if best is None or s > best[2] + 1e-9:
                best = (start, end, s)
    start, end, s = best
    if end - start > MAX_CHARS:
        # one clause longer than a line: cut at its last enumeration mark (、) in reach
        piece = body[start - base:start - base + MAX_CHARS]
        cut = max(piece.rfind("、"), piece.rfind(" "))
        end = start + (cut if cut > TARGET_CHARS // 2 else MAX_CHARS)
    return start, end, s
