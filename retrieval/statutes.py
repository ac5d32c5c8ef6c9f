"""Parse one statute file (the LawRefBook Markdown of ../shared/corpus/README.md) into its
structure: title, history, kind, headings, articles, paragraphs (款) and items (项).

    # 中华人民共和国劳动合同法                 ← title (a second "# …" line is a subtitle)
    2007年6月29日 第十届…会议通过             ← history lines: date + event
    <!-- INFO END -->
    ## 第一章 总则                            ← 编/分编/章/节 headings, any "#" depth
    第一条 为了完善……                         ← an article: 第…条 (+ 之一) + full-width or ASCII space
    国家机关、事业单位……                      ← a further paragraph (款) of the same article
    （一）……；                                ← an item (项), "(一)" or "（一）"

Nothing is guessed from wording: an article is a line that starts with 第…条 and a space,
a heading is a Markdown heading (or a bare 第…章 line), the version date comes from the
file name (``名称(YYYY-MM-DD).md``), the issuing body and the kind from the history lines
(the enacting body decides the kind: 全国人大 → 法律, 国务院 → 行政法规, …), else from the
collection folder the file sits in. What cannot be read is a problem with its line number.

``ParsedStatute.text`` is the cleaned document text: one line per paragraph or heading,
joined by a single newline; every span (article, paragraph, item) indexes into it, so a
quote is always ``text[start:end]``. Cleaning only trims the ends of lines and writes the
gap after an article number or heading number as one ASCII space.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from policydesk.numerals import cn_to_int

_NUMERAL = "〇零一二三四五六七八九十百千两0-9０-９"
_SPACE = " \t\u3000\u00a0"
ARTICLE_LINE = re.compile(rf"^第([{_NUMERAL}]+)条(之[{_NUMERAL}]+)?(?:[{_SPACE}]+(.*))?$")
HEADING_NUMBER = re.compile(rf"^第([{_NUMERAL}]+)(编|分编|章|节)(?:[{_SPACE}]+(.*))?$")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t\u3000]+(.*?)[ \t\u3000#]*$")
_HISTORY = re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日[{_SPACE}]*(.*)$")
_ITEM = re.compile(rf"^[（(]([{_NUMERAL}]+)[)）]")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_VERSION_IN_NAME = re.compile(r"[（(](\d{4})-(\d{2})-(\d{2})[)）]\s*$")
INFO_END = "<!-- INFO END -->"

# The event a history line records: its last event word counts ("…《关于修改…的决定》修正").
EVENTS = ("通过", "公布", "发布", "修正", "修订", "施行", "批准", "颁布", "印发", "废止", "决定")
_EVENT = re.compile("|".join(EVENTS))

# Who enacted it, read from the history lines, and what kind of text that makes it
# (立法法: 全国人大及其常委会 → 法律; 国务院 → 行政法规; 最高人民法院/检察院 → 司法解释;
# 国务院部门 → 部门规章; 省级人大常委会 → 地方性法规; 省级政府 → 地方政府规章).
_BODIES: tuple[tuple[re.Pattern, str, str], ...] = (
    (re.compile(r"([\u4e00-\u9fff]{1,8}?(?:省|自治区|市))(?:第[一二三四五六七八九十]+届)?(人民代表大会(?:常务委员会)?)"),
     "{0}{1}", "地方性法规"),
    (re.compile(r"全国人民代表大会常务委员会"), "全国人民代表大会常务委员会", "法律"),
    (re.compile(r"全国人民代表大会"), "全国人民代表大会", "法律"),
    (re.compile(r"最高人民法院"), "最高人民法院", "司法解释"),
    (re.compile(r"最高人民检察院"), "最高人民检察院", "司法解释"),
    (re.compile(r"国务院"), "国务院", "行政法规"),
    (re.compile(r"政务院"), "政务院", "行政法规"),
    (re.compile(r"([\u4e00-\u9fff]{2,12}?(?:部|委员会|总局|署|局|银行))(?:第\d+次)?(?:部务|委务|局务|署务|行务)会议"),
     "{0}", "部门规章"),
    (re.compile(r"([\u4e00-\u9fff]{2,12}?(?:部|委员会|总局|署|局|银行))令"), "{0}", "部门规章"),
    (re.compile(r"((?:[\u4e00-\u9fff]{2,8}?(?:省|自治区|市))人民政府)(?:令|第\d+次常务会议)"), "{0}", "地方政府规章"),
)
# The collection's folders name the kind of what they hold (used when no history line says).
FOLDER_KINDS = {
    "行政法规": "行政法规", "司法解释": "司法解释", "部门规章": "部门规章", "地方性法规": "地方性法规",
    "宪法": "法律", "宪法相关法": "法律", "民法典": "法律", "民法商法": "法律", "行政法": "法律",
    "经济法": "法律", "社会法": "法律", "刑法": "法律", "诉讼与非诉讼程序法": "法律",
}
# A kind that only one body can enact names that body (立法法 第七十二条: 行政法规 ← 国务院).
KIND_ISSUERS = {"行政法规": "国务院"}
KINDS = ("法律", "行政法规", "司法解释", "部门规章", "地方性法规", "地方政府规章")
NATIONAL_PREFIX = "中华人民共和国"


@dataclass(frozen=True)
class HistoryEntry:
    date: str   # ISO
    event: str  # 通过 / 公布 / 修正 / 修订 / 施行 …
    text: str   # the line as written, without the date
    line: int


@dataclass(frozen=True)
class Heading:
    level: str  # 编 / 分编 / 章 / 节, or "" for an unnumbered heading (附则, 附件 …)
    title: str  # as shown: "第二章 劳动合同的订立"
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class StatuteArticle:
    """One 第…条. ``start``/``end`` span the whole article (number included) in the text;
    ``paragraphs`` the 款 (the first starts after the number; a 款 that introduces items
    runs to its last item); ``items`` each 项 line; ``lines`` every line."""

    number: str        # 第四十七条, 第十七条之一
    ordinal: int       # 47 (之一 keeps the main number)
    chapter: str       # nearest 章 heading ("" when the text has none)
    start: int
    end: int
    paragraphs: tuple[tuple[int, int], ...]
    items: tuple[tuple[int, int], ...] = ()
    lines: tuple[tuple[int, int], ...] = ()
    section: str = ""  # 节 heading
    part: str = ""     # 编 (and 分编) heading
    line: int = 0      # 1-based line in the file
    sub: int = 0       # 之N

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(h for h in (self.part, self.chapter, self.section) if h)

    def to_dict(self) -> dict:
        return {"number": self.number, "ordinal": self.ordinal, "sub": self.sub, "chapter": self.chapter,
                "section": self.section, "part": self.part, "start": self.start, "end": self.end,
                "paragraphs": [list(p) for p in self.paragraphs], "items": [list(i) for i in self.items],
                "lines": [list(x) for x in self.lines], "line": self.line}

    @classmethod
    def from_dict(cls, data: dict) -> "StatuteArticle":
        return cls(number=data["number"], ordinal=int(data["ordinal"]), chapter=data.get("chapter", ""),
                   start=int(data["start"]), end=int(data["end"]),
                   paragraphs=tuple(tuple(p) for p in data.get("paragraphs", ())),
                   items=tuple(tuple(i) for i in data.get("items", ())),
                   lines=tuple(tuple(x) for x in data.get("lines", ())),
                   section=data.get("section", ""), part=data.get("part", ""),
                   line=int(data.get("line", 0)), sub=int(data.get("sub", 0)))


@dataclass
class ParsedStatute:
    relpath: str
    title: str = ""
    subtitle: str = ""
    version_date: str | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    kind: str | None = None
    issuer: str = ""
    text: str = ""
    articles: list[StatuteArticle] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    preamble: tuple[int, int] | None = None  # text before the first article (序言, 说明)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, zh, en): file unusable
    warnings: list[tuple[int, str, str]] = field(default_factory=list)  # (line, zh, en): noted only
    header_notes: list[str] = field(default_factory=list, repr=False)  # history text, events or not

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def short_title(self) -> str:
        """The name people use: 中华人民共和国劳动合同法 → 劳动合同法."""
        title = self.title
        if title.startswith(NATIONAL_PREFIX) and len(title) > len(NATIONAL_PREFIX) + 1:
            title = title[len(NATIONAL_PREFIX):]
        return title

    @property
    def statute(self) -> str:
        """《劳动合同法》: how citations and rules name it."""
        return f"《{self.short_title}》" if self.short_title else ""

    @property
    def version_event(self) -> str | None:
        """What happened on the version date (修正, 修订, 公布 …), if a history line says."""
        if not self.version_date:
            return None
        events = [h.event for h in self.history if h.date == self.version_date and h.event]
        return events[-1] if events else None

    @property
    def date(self) -> str:
        """The date the text is in force as: the version date, else the last history date."""
        if self.version_date:
            return self.version_date
        return self.history[-1].date if self.history else ""

    def article(self, number: str) -> StatuteArticle | None:
        for a in self.articles:
            if a.number == number:
                return a
        return None


def version_date_from_name(relpath: str) -> str | None:
    """``劳动合同法(2012-12-28).md`` → 2012-12-28; None without a (valid) date."""
    m = _VERSION_IN_NAME.search(PurePosixPath(relpath.replace("\\", "/")).stem)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def article_ordinal(numeral: str) -> int | None:
    """四十七 → 47; full-width or ASCII digits too."""
    numeral = numeral.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    if numeral.isdigit():
        return int(numeral)
    return cn_to_int(numeral)


def _strip(line: str) -> str:
    return line.strip(_SPACE + "\r\n\ufeff")


def _squash(text: str) -> str:
    return re.sub(rf"[{_SPACE}]+", "", text)


class _TextBuilder:
    """Accumulates cleaned lines and hands out their spans."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0

    def add(self, line: str) -> tuple[int, int]:
        if self.parts:
            self.length += 1  # the newline before it
        start = self.length
        self.parts.append(line)
        self.length += len(line)
        return start, self.length

    def text(self) -> str:
        return "\n".join(self.parts)


def parse_statute(text: str, relpath: str) -> ParsedStatute:
    """The structure of one statute file; ``relpath`` names it in problems and gives the
    version date (file name) and, failing the history lines, the kind (folder)."""
    parsed = ParsedStatute(relpath=relpath, version_date=version_date_from_name(relpath))
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    n = 0
    # YAML front matter (---\n…\n---) of the collection's index pages
    if raw_lines and _strip(raw_lines[0]) == "---":
        for i in range(1, len(raw_lines)):
            if _strip(raw_lines[i]) == "---":
                n = i + 1
                break
    info_end = next((i for i, line in enumerate(raw_lines) if INFO_END in line), None)
    body_from = _parse_header(parsed, raw_lines, n, info_end)
    _parse_body(parsed, raw_lines, body_from)
    _decide_kind(parsed)
    if not parsed.title:
        parsed.problems.append((1, "没有标题（第一行应为“# 名称”）", "no title (first line should be '# name')"))
    if not parsed.articles:
        first_text = next((i + 1 for i in range(body_from, len(raw_lines)) if _strip(raw_lines[i])), body_from)
        parsed.problems.append((max(1, first_text), "没有找到任何条文（第…条）", "no articles (第…条) found"))
    return parsed


def _parse_header(parsed: ParsedStatute, lines: list[str], i: int, info_end: int | None) -> int:
    """Title, subtitle and history lines; returns the index of the first body line."""
    end = info_end if info_end is not None else len(lines)
    titles_done = False
    pending: list[list] = []  # [line, date, text] of history lines, continuations joined
    undated: list[str] = []  # text of lines whose date is invalid (still names the body)
    while i < end:
        raw = lines[i]
        line = _strip(_COMMENT.sub("", raw))
        i += 1
        if not line:
            continue
        md = _MD_HEADING.match(line)
        if md and len(md.group(1)) == 1 and not titles_done and (
                info_end is not None or not HEADING_NUMBER.match(md.group(2))):
            title = _strip(_COMMENT.sub("", md.group(2)))
            if not parsed.title:
                parsed.title = title
            elif not parsed.subtitle and title:
                parsed.subtitle = title
            continue
        if info_end is None and (md or ARTICLE_LINE.match(line) or HEADING_NUMBER.match(line)):
            end = i - 1  # no INFO END marker: the body starts at the first heading or article
            break
        titles_done = True
        m = _HISTORY.match(line)
        if m:
            try:
                date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                parsed.problems.append((i, f"沿革行的日期无效：{line[:40]}", f"history line has an invalid date: {line[:40]}"))
                undated.append(m.group(4))
                continue
            pending.append([i, date, _strip(m.group(4))])
            continue
        if _squash(line) and _squash(line) in _squash(parsed.title + parsed.subtitle):
            # the title repeated over wrapped lines under the heading: not history
            parsed.warnings.append((i, "标题的折行重复，已忽略", "wrapped repetition of the title, ignored"))
            continue
        if pending:
            pending[-1][2] += line  # a history line wrapped onto the next line
            continue
        if info_end is None:
            end = i - 1  # body text without a marker
            break
        parsed.problems.append((i, f"沿革行应以日期开头（如“2007年6月29日 …通过”）：{line[:40]}",
                                f"history line should start with a date (e.g. 2007年6月29日 …通过): {line[:40]}"))
    parsed.header_notes = undated + [rest for _lineno, _date, rest in pending]
    for lineno, date, rest in pending:
        events = _EVENT.findall(rest)
        if not events:
            parsed.problems.append((lineno, f"沿革行缺少事件（通过、公布、修正、修订、施行等）：{rest[:40]}",
                                    f"history line has no event (通过/公布/修正/修订/施行…): {rest[:40]}"))
            continue
        parsed.history.append(HistoryEntry(date=date, event=events[-1], text=rest, line=lineno))
    if info_end is None:
        return end
    return end + 1 if info_end is not None else end


def _parse_body(parsed: ParsedStatute, lines: list[str], start: int) -> None:
    out = _TextBuilder()
    part = subpart = chapter = section = ""
    seen: dict[tuple[int, int], int] = {}
    current: dict | None = None
    preamble: list[tuple[int, int]] = []
    body = "\n".join(lines[start:])
    body = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)  # keep line numbers
    body_lines = body.split("\n")

    def close():
        nonlocal current
        if current is None:
            return
        paragraphs: list[list[int]] = []
        for (a, b), is_item in zip(current["lines"], current["is_item"]):
            if is_item and paragraphs:
                paragraphs[-1][1] = b  # an item belongs to the 款 that introduces it
            else:
                paragraphs.append([a, b])
        if current["bare_number"]:
            paragraphs = paragraphs[1:]  # "第X条" alone on its line is not a paragraph
        elif paragraphs:
            paragraphs[0][0] = current["body_start"]
        parsed.articles.append(StatuteArticle(
            number=current["number"], ordinal=current["ordinal"], chapter=current["chapter"],
            start=current["lines"][0][0], end=current["lines"][-1][1],
            paragraphs=tuple((a, b) for a, b in paragraphs if b > a),
            items=tuple(span for span, is_item in zip(current["lines"], current["is_item"]) if is_item),
            lines=tuple(current["lines"]), section=current["section"], part=current["part"],
            line=current["line"], sub=current["sub"]))
        current = None

    for offset, raw in enumerate(body_lines):
        lineno = start + offset + 1
        line = _strip(raw)
        if not line:
            continue
        md = _MD_HEADING.match(line)
        heading_text = _strip(md.group(2)) if md else None
        numbered = HEADING_NUMBER.match(heading_text if md else line)
        if md or (numbered and not _ends_sentence(line) and len(line) <= 40):
            close()
            title = heading_text if md else line
            level = ""
            if numbered:
                level = numbered.group(2)
                rest = re.sub(rf"(?<=[\u4e00-\u9fff])[{_SPACE}]+(?=[\u4e00-\u9fff])", "", _strip(numbered.group(3) or ""))
                title = f"第{numbered.group(1)}{level}" + (f" {rest}" if rest else "")
            span = out.add(title)
            parsed.headings.append(Heading(level=level, title=title, start=span[0], end=span[1], line=lineno))
            if level == "编":
                part, subpart, chapter, section = title, "", "", ""
            elif level == "分编":
                subpart, chapter, section = title, "", ""
            elif level == "章":
                chapter, section = title, ""
            elif level == "节":
                section = title
            continue
        art = ARTICLE_LINE.match(line)
        if art:
            close()
            ordinal = article_ordinal(art.group(1))
            sub = article_ordinal(art.group(2)[1:]) if art.group(2) else 0
            if ordinal is None:
                parsed.problems.append((lineno, f"条号无法识别：{line[:20]}", f"unreadable article number: {line[:20]}"))
                continue
            number = f"第{art.group(1)}条{art.group(2) or ''}"
            rest = _strip(art.group(3) or "")
            shown = f"{number} {rest}" if rest else number
            span = out.add(shown)
            key = (ordinal, sub)
            if key in seen:
                parsed.problems.append((lineno, f"条号重复：{number}（第 {seen[key]} 行已有）",
                                        f"duplicate article number {number} (already on line {seen[key]})"))
            else:
                seen[key] = lineno
            full_part = " ".join(p for p in (part, subpart) if p)
            current = {"number": number, "ordinal": ordinal, "sub": sub or 0, "chapter": chapter,
                       "section": section, "part": full_part, "line": lineno, "lines": [span],
                       "is_item": [False], "body_start": span[0] + len(number) + 1, "bare_number": not rest}
            continue
        span = out.add(line)
        if current is None:
            preamble.append(span)
            continue
        is_item = bool(_ITEM.match(line))
        current["lines"].append(span)
        current["is_item"].append(is_item)
    close()
    parsed.text = out.text()
    if preamble:
        parsed.preamble = (preamble[0][0], preamble[-1][1])


def _ends_sentence(line: str) -> bool:
    return bool(re.search(r"[。；;：:，,]$", line))


def _decide_kind(parsed: ParsedStatute) -> None:
    """The enacting body from the first history line that names one; the kind from it, else
    from the collection folder; unknown is a problem."""
    for note in reversed(parsed.header_notes):  # the body that made the current version
        for pattern, body, kind in _BODIES:
            m = pattern.search(note)
            if m:
                parsed.issuer = body.format(*m.groups()).removeprefix("经") if "{0}" in body else body
                parsed.kind = kind
                break
        if parsed.kind:
            break
    folder_kind = next((FOLDER_KINDS[p] for p in PurePosixPath(parsed.relpath.replace("\\", "/")).parts[:-1]
                        if p in FOLDER_KINDS), None)
    if parsed.kind and folder_kind and folder_kind != parsed.kind:
        line = parsed.history[0].line if parsed.history else 1
        parsed.warnings.append((line, f"沿革行表明类别为{parsed.kind}，但文件放在“{folder_kind}”目录下，按沿革行处理",
                                f"history lines say {parsed.kind} but the folder says {folder_kind}; history wins"))
    if not parsed.kind and folder_kind:
        parsed.kind = folder_kind
        parsed.issuer = KIND_ISSUERS.get(folder_kind, "")
    if not parsed.kind:
        line = parsed.history[0].line if parsed.history else 1
        parsed.problems.append((line, "无法确定文件类别（法律、行政法规、司法解释、部门规章…）：沿革行未写明制定机关",
                                "unknown kind (法律/行政法规/司法解释/部门规章…): no history line names the enacting body"))
