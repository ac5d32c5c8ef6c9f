"""The numeric guard: every number, date or amount in an answer (Arabic or Chinese numerals)
must come from the calculator result or appear in a cited passage.

Dates are checked whole (2024年5月20日 must be an allowed date, not just three allowed
numbers); other numbers one by one. Citation markers like [1] are not numbers."""
from __future__ import annotations

import re
from datetime import date

from assistant.messages import SERVICE_NUMBERS
from assistant.parsing import arabize

_MARKER = re.compile(r"\[(\d{1,2})\]")
_DATE = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*[日号]?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _canon(num: str) -> str:
    if "." in num:
        num = num.rstrip("0").rstrip(".")
    return num.lstrip("0") or "0"


def _prepare(text: str) -> str:
    text = _MARKER.sub(" ", text or "")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return arabize(text)


def facts_in(text: str) -> tuple[set[tuple[int, int, int]], set[str]]:
    """(dates, other numbers) mentioned in text."""
    text = _prepare(text)
    dates = set()
    for m in _DATE.finditer(text):
        dates.add((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    rest = _DATE.sub(" ", text)
    return dates, {_canon(n) for n in _NUMBER.findall(rest)}


def _collect(value, texts: list[str]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _collect(v, texts)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, texts)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, float) and value.is_integer():
        texts.append(str(int(value)))
    elif isinstance(value, (date,)):
        texts.append(value.isoformat())
    else:
        texts.append(str(value))


def allowed_facts(citations: list[dict], calculator: dict | None, extra_texts: list[str] = ()) \
        -> tuple[set[tuple[int, int, int]], set[str]]:
    texts: list[str] = list(extra_texts)
    _collect(citations, texts)
    if calculator:
        _collect(calculator, texts)
    dates: set = set()
    numbers: set = set(SERVICE_NUMBERS)
    for t in texts:
        d, n = facts_in(t)
        dates |= d
        numbers |= n
        for y, m, day in d:  # a date's parts may be said alone ("2024年", "5月")
            numbers |= {str(y), str(m), str(day)}
    return dates, numbers


def check(text: str, citations: list[dict], calculator: dict | None, extra_texts: list[str] = ()) \
        -> list[str]:
    """The numbers and dates in ``text`` that nothing allowed supports (empty list = passes)."""
    allowed_dates, allowed_numbers = allowed_facts(citations, calculator, extra_texts)
    dates, numbers = facts_in(text)
    bad = [f"{y}-{m:02d}-{d:02d}" for (y, m, d) in sorted(dates - allowed_dates)]
    bad += sorted(n for n in numbers if n not in allowed_numbers)
    return bad


def marker_problems(text: str, reference: str, n_citations: int) -> list[str]:
    """Citation markers must survive a rewrite, and none may point past the citations."""
    found = {int(m) for m in _MARKER.findall(text or "")}
    expected = {int(m) for m in _MARKER.findall(reference or "")}
    problems = [f"[{m}] 丢失" for m in sorted(expected - found)]
    problems += [f"[{m}] 无对应引文" for m in sorted(found) if m < 1 or m > n_citations]
    return problems


# -- a language model's rewrite ---------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def _sentences(text: str) -> list[str]:
    """Sentences with their markers: 每人1500元。[1] is one sentence, its marker after the 。"""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text or ""):
        lead = re.match(r"(?:\[\d{1,2}\])+", piece)
        if lead and out:
            out[-1] += lead.group(0)
            piece = piece[lead.end():]
        if piece and not piece.strip() and out:
            out[-1] += piece   # the line break after the markers stays with its sentence
        elif piece:
            out.append(piece)
    return out


def _facts(text: str) -> set:
    dates, numbers = facts_in(text)
    return {("d",) + d for d in dates} | {("n", n) for n in numbers}


def _supported(facts: set, texts: list[str]) -> bool:
    """Every fact is stated by one of ``texts`` (a date's parts count as said)."""
    allowed = set()
    for t in texts:
        allowed |= _facts(t)
        for y, m, d in facts_in(t)[0]:
            allowed |= {("n", str(y)), ("n", str(m)), ("n", str(d))}
    return facts <= allowed


def _line_markers(sentences: list[str], i: int) -> list[str]:
    """The markers of sentence ``i``: its own, or those closing its line (a result line
    carries its markers once, at its end)."""
    for s in sentences[i:]:
        found = _MARKER.findall(s)
        if found or s.endswith("\n"):
            return found
    return []


def review_rewrite(text: str, deterministic: str, citations: list[dict], calculator: dict | None,
                   extra_texts: list[str] = ()) -> tuple[str, list[str]]:
    """Check a model's rewording of ``deterministic``, sentence by sentence; returns (the text
    to show, problems). It is rejected (problems) when it is wrong or unsupported, not when
    it is short:

    - every number and date is allowed (``check``: a cited quote or the calculator result);
    - a sentence with a marker [n] states only what citation n, or the deterministic
      sentences carrying [n], state; a marker past the citations is an error;
    - a sentence with a figure and no marker gets the markers of the deterministic sentence
      that states that figure (a faithful rewrite that dropped its markers is kept, cited);
    - a figure of the deterministic answer line (its first line) is still there: a rewrite
      that leaves out the answer is no rewrite of it (one that drops a side date is short,
      not wrong).
    """
    problems = [f"数字无依据：{b}" for b in check(text, citations, calculator, extra_texts)]
    det_sentences = _sentences(deterministic)
    by_marker: dict[int, list[str]] = {}
    for s in det_sentences:
        for m in _MARKER.findall(s):
            by_marker.setdefault(int(m), []).append(s)
    out = []
    for line in (text or "").split("\n"):
        sentences = _sentences(line)
        line_marked = bool(_MARKER.search(line))
        tail: list[str] = []
        for sentence in sentences:
            markers = [int(m) for m in _MARKER.findall(sentence)]
            facts = _facts(sentence)
            bad = [m for m in markers if m < 1 or m > len(citations)]
            if bad:
                problems += [f"[{m}] 无对应引文" for m in bad]
            elif markers and facts:
                support = [str(citations[m - 1].get("quote") or "") for m in markers]
                support += [s for m in markers for s in by_marker.get(m, [])]
                support += [str(citations[m - 1].get("sentence") or "") for m in markers]
                if not _supported(facts, support):
                    problems.append(f"引文不支持：{sentence.strip()[:30]}")
            elif facts and not line_marked:
                source = next((i for i, s in enumerate(det_sentences) if _supported(facts, [s])), None)
                if source is None:
                    problems.append(f"无出处：{sentence.strip()[:30]}")
                else:
                    tail += _line_markers(det_sentences, source)
        if tail:
            # a faithful line that lost its markers gets back those of the lines it restates
            stripped = line.rstrip()
            cut = len(stripped)
            while cut and stripped[cut - 1] in "。！？!?；;":
                cut -= 1
            line = stripped[:cut] + "".join(f"[{m}]" for m in dict.fromkeys(tail)) + stripped[cut:]
        out.append(line)
    first = next((line for line in deterministic.split("\n") if line.strip()), "")
    if _facts(first) and not _facts(first) & _facts(text):
        problems.append("答案中的数字被删去")
    final = "\n".join(out)
    if _MARKER.search(deterministic) and not _MARKER.search(final) and citations:
        # nothing in the rewrite states a figure: the answer line's markers go after it
        tail = "".join(f"[{m}]" for m in dict.fromkeys(_MARKER.findall(first))) or "[1]"
        final = final.rstrip() + tail
    return final, problems
