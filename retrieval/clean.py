"""Undo the artifacts of text pulled out of newspaper PDFs, keeping every character.

Rules (each tested in tests/ingest/test_clean.py with snippets from the seed page):
- a line wrap inside a sentence is joined without a space (“失业保\\n险” → “失业保险”);
- a blank line in the middle of a sentence is a column or page break, not a paragraph
  (“政策落实\\n\\n等功能”, “26.4万人\\n\\n次”);
- a paragraph ends where a line ends a sentence (。！？… possibly followed by a closing
  quote or bracket) and is followed by a blank line or by an indented line;
- a space between two CJK characters, or between a digit and a CJK character, is an
  artifact and goes (“2022 年 12 月 29 日” → “2022年12月29日”, “每人 1500 元” → “每人1500元”);
- meaningful spaces stay: after a heading number (“第一章 总则”), between Latin words
  (“App Store”), and inside bylines (kept apart by ``retrieval.articles``).

Cleaning never drops, adds or reorders a CJK character or a digit (a Hypothesis test checks it).
"""
from __future__ import annotations

import re

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK punctuation, full-width forms, curly quotes, ellipsis and dashes.
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014\u2015\u00b7"
_WIDE = f"{_CJK}{_CJK_PUNCT}"

_SPACE = re.compile(r"[ \t\u00a0\u2002-\u200b\u3000]+")
# A sentence end, possibly closed by quotes/brackets: the only place a paragraph may end.
_SENTENCE_END = re.compile(r"[。！？!?…；][”’」』）)\"'】]*$|\.\s*$")
_HEADING = re.compile(
    r"^(第[\s〇零一二三四五六七八九十百千\d]+[章节条编篇部分]"
    r"|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))"
)
_CHAPTER = re.compile(r"^(第[\s〇零一二三四五六七八九十百千\d]+[章节编篇])\s+(\S.{0,30})$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")

# Bylines: “（武佳 李佳璐）”, “据《山西晚报》”, “据新华社”, or both on one line.
_NAMES = r"[（(]\s*[\u4e00-\u9fff·]{2,5}(?:\s+[\u4e00-\u9fff·]{2,5}){0,5}\s*[)）]"
_AGENCIES = "新华社|人民网|中新社|中国新闻网|央视新闻|人民日报|光明日报|经济日报"
_SOURCE = rf"据\s*(?:《\s*[^》\s]{{2,20}}\s*》|{_AGENCIES})\s*(?:报道|消息|电)?"
BYLINE_NAMES = re.compile(rf"^{_NAMES}$")
BYLINE_SOURCE = re.compile(rf"^{_SOURCE}$")
BYLINE_FULL = re.compile(rf"^(?:{_NAMES})?\s*{_SOURCE}$")


def split_paragraphs(raw: str, *, markdown: bool = False, trace: list | None = None) -> list[str]:
    """Join wrapped lines into paragraphs. Spaces inside lines are kept (see ``clean_paragraph``).

    ``markdown`` sources treat every blank line as a paragraph break and strip ``#`` markers.
    ``trace``, when given, receives ``(line number, text, "start" | "join")`` for each
    non-blank line: whether it began a paragraph or was joined onto the one before (a line
    wrap), so the staff console can show what the cleaning did."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").split("\n")
    indents = [_indent(line) for line in lines]
    content = [_SPACE.sub(" ", line).strip() for line in lines]
    body_indents = sorted(ind for ind, text in zip(indents, content) if text)
    baseline = _mode(body_indents)

    paragraphs: list[list[str]] = []
    closed = False  # the last paragraph is a heading that nothing may join
    blank_before = False
    for i, text in enumerate(content):
        if not text:
            blank_before = True
            continue
        heading = False
        if markdown and _MD_HEADING.match(text):
            text, heading = _MD_HEADING.sub("", text), True
        if not paragraphs or closed or heading or _starts_paragraph(
                paragraphs[-1], text, blank_before, indents[i] > baseline, markdown):
            paragraphs.append([text])
            if trace is not None:
                trace.append((i + 1, text, "start"))
        else:
            paragraphs[-1].append(text)
            if trace is not None:
                trace.append((i + 1, text, "join"))
        closed = heading
        blank_before = False
    return [p for p in (_join_lines(para) for para in paragraphs) if p]


def _starts_paragraph(current: list[str], text: str, blank_before: bool, indented: bool,
                      markdown: bool) -> bool:
    if markdown and blank_before:
        return True
    prev_para = _join_lines(current)
    if _is_byline(prev_para) or _is_standalone_heading(prev_para):
        return True
    ends = _SENTENCE_END.search(current[-1]) is not None
    if _is_byline(text) or BYLINE_NAMES.match(text):
        return ends or blank_before
    if ends and (blank_before or indented):
        return True
    # A numbered heading (“第二条”, “一、”) after a finished sentence starts a paragraph.
    return ends and bool(_HEADING.match(text))


def _is_byline(text: str) -> bool:
    return bool(BYLINE_FULL.match(text))


def _is_standalone_heading(text: str) -> bool:
    return bool(_CHAPTER.match(text)) and not _SENTENCE_END.search(text)


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " " + line  # two Latin words wrapped apart
        else:
            out += line
    return out


def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " " or ch == "\u00a0":
            width += 1
        elif ch == "\u3000":
            width += 2
        elif ch == "\t":
            width += 4
        else:
            break
    return width


def _mode(values: list[int]) -> int:
    if not values:
        return 0
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda v: (counts[v], -v))


_WIDE_SPACE = re.compile(rf"(?<=[{_WIDE}]) +(?=[{_WIDE}\d])|(?<=[{_WIDE}\d]) +(?=[{_WIDE}])")
_DIGIT_SPACE_CJK = re.compile(rf"(?<=\d) +(?=[{_WIDE}])|(?<=[{_WIDE}]) +(?=\d)")


def clean_paragraph(text: str) -> str:
    """Remove artifact spaces from one paragraph (see the module docstring)."""
    text = _SPACE.sub(" ", text).strip()
    m = _CHAPTER.match(text)
    if m and not _SENTENCE_END.search(text):
        return _remove_spaces(m.group(1)) + " " + _remove_spaces(m.group(2))
    m = re.match(r"^(第[\s〇零一二三四五六七八九十百千\d]+[章节条编篇])\s+(.*)$", text)
    if m:
        return _remove_spaces(m.group(1)) + " " + _remove_spaces(m.group(2))
    return _remove_spaces(text)


def _remove_spaces(text: str) -> str:
    # Lookarounds make one pass enough even for “就 业 困 难”.
    text = _WIDE_SPACE.sub("", text)
    return _DIGIT_SPACE_CJK.sub("", text)


def clean_text(raw: str, *, markdown: bool = False) -> str:
    """Paragraphs of ``raw`` cleaned, separated by a single newline."""
    return "\n".join(clean_paragraph(p) for p in split_paragraphs(raw, markdown=markdown))
