"""Versions of one law: which is in force on a day, which a question asks for.

Documents with the same ``work`` (file name without its date) and region are versions of one
law. On a given day the latest dated version not after it is in force; the others are
历史版本, labelled with their date. A question that names a law and a year (2008年的劳动合同法)
asks for the version in force in that year; when we hold none that old, the answer says so
rather than quietly using another."""
from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.library import in_force, parse_file_name

HISTORICAL = "历史版本"
CURRENT = "现行有效"
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)\s*(?:年|版)")
_WORK_PREFIXES = ("中华人民共和国",)


@dataclass(frozen=True)
class VersionRequest:
    """A question naming a law and a year: ``doc_id`` is the version we answer from;
    ``held`` is False when no version we hold was in force then (``doc_id`` is then the
    earliest we hold, and the answer must say so)."""

    work: str
    year: int
    doc_id: str | None
    held: bool
    version_date: str
    named: tuple[str, ...] = ()  # the words of the question that named the law and the year

    def strip(self, query: str) -> str:
        """The question without the law's name and the year: what is asked of that version."""
        for words in self.named:
            query = query.replace(words, " ")
        return query

    def note(self, title: str) -> str:
        """The sentence an answer opens with, so a version is never used silently."""
        if self.held:
            return f"按您问的{self.year}年的版本回答：《{title}》{HISTORICAL}（{self.version_date or '日期不详'}）。"
        return (f"本库没有收录{self.year}年施行的《{title}》版本；以下依据收录的"
                f"{self.version_date or '较早'}版本，请以当时的文本为准。")


def work_of(doc) -> str:
    """Which law a document is a version of: the library's file name without its date, or
    for a statute of the project corpus the same taken from its source file ("" otherwise)."""
    work = getattr(doc, "work", "")
    if work:
        return work
    if getattr(doc, "statute", "") and getattr(doc, "source", ""):

        return parse_file_name(doc.source.rsplit("/", 1)[-1])[0]
    return ""


class VersionIndex:
    """Versions of every law among ``documents`` (documents without ``work`` stand alone)."""

    def __init__(self, documents):
        self.groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        self.key_of: dict[str, tuple[str, str]] = {}
        for d in documents:
            work = work_of(d)
            if not work:
                continue
            key = (d.region, work)
            self.groups.setdefault(key, []).append((d.doc_id, d.version_date, d.history_date))
            self.key_of[d.doc_id] = key
        self.titles: dict[str, list[tuple[str, str]]] = {}
        for d in documents:
            if d.doc_id in self.key_of:
                for name in {self.key_of[d.doc_id][1], d.title, _short(d.title)}:
                    if len(name) >= 3:
                        self.titles.setdefault(name, [])
                        if self.key_of[d.doc_id] not in self.titles[name]:
                            self.titles[name].append(self.key_of[d.doc_id])
        self._cache: dict[str, set[str]] = {}

    def in_force_ids(self, today: str) -> set[str]:
        """Ids of the versions in force on ``today`` (ISO date)."""
        if today not in self._cache:
            self._cache[today] = {in_force(v, today) for v in self.groups.values()}
        return self._cache[today]

    def superseded(self, doc_id: str, today: str) -> bool:
        key = self.key_of.get(doc_id)
        return key is not None and len(self.groups[key]) > 1 and doc_id not in self.in_force_ids(today)

    def version_label(self, doc_id: str, version_date: str, history_date: str, today: str) -> str:
        """历史版本（2018-10-26） for a superseded version, "" otherwise."""
        if not self.superseded(doc_id, today):
            return ""
        return f"{HISTORICAL}（{version_date or history_date or '日期不详'}）"

    def named_works(self, query: str, regions: set[str], names: list | None = None) -> list[tuple[str, str]]:
        """Laws named in ``query`` (longest names first, so 劳动合同法实施条例 beats 劳动合同法);
        the names found are appended to ``names``."""
        found: list[tuple[str, str]] = []
        covered: list[tuple[int, int]] = []
        for name in sorted(self.titles, key=len, reverse=True):
            pos = query.find(name)
            if pos < 0 or any(a <= pos < b for a, b in covered):
                continue
            covered.append((pos, pos + len(name)))
            hit = False
            for key in self.titles[name]:
                if key[0] in regions and key not in found:
                    found.append(key)
                    hit = True
            if hit and names is not None:
                names.append(name)
        return found

    def request(self, query: str, regions: set[str]) -> VersionRequest | None:
        """The version a question asks for by year, if it names a law and a year."""
        m = _YEAR.search(query)
        if not m:
            return None
        names: list[str] = []
        works = self.named_works(query, regions, names)
        if not works:
            return None
        key = works[0]
        year = int(m.group(1))
        named = tuple(names[:1]) + (m.group(0),)
        versions = self.groups[key]
        end_of_year = f"{year:04d}-12-31"
        dated = [v for v in versions if v[1] and v[1] <= end_of_year]
        if dated:
            doc_id, date, _ = max(dated, key=lambda v: v[1])
            return VersionRequest(key[1], year, doc_id, True, date, named)
        undated = [v for v in versions if not v[1] and v[2] and v[2] <= end_of_year]
        if undated:
            doc_id, _, hdate = max(undated, key=lambda v: v[2])
            return VersionRequest(key[1], year, doc_id, True, hdate, named)
        earliest = min(versions, key=lambda v: (v[1] or v[2] or "9999", v[0]))
        return VersionRequest(key[1], year, earliest[0], False, earliest[1] or earliest[2], named)

    def siblings(self, doc_id: str) -> list[str]:
        key = self.key_of.get(doc_id)
        return [v[0] for v in self.groups.get(key, [])] if key else [doc_id]


def _short(title: str) -> str:
    for prefix in _WORK_PREFIXES:
        if title.startswith(prefix):
            return title[len(prefix):]
    return title
