"""When a document, or one measure inside it, applies: ``valid_from`` / ``valid_until``.

A measure's validity is given by staff (the console, ``policydesk docs set``) or in the
catalog, with a note and, where the text says it, the words that support the dates
(``validity_quote``, e.g. 到2023年2月底前全部完成发放). Those words are located in the cleaned
text at ingest; a measure is located by an ``anchor`` (words of the text) and covers the
paragraph that holds them. Nothing here knows any policy date: they are all data.

``validity_at(doc, today, start, end)`` says, for the day asked, whether what is quoted
from ``doc.text[start:end]`` is in force, not yet in force, or has ended."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

NOT_STARTED, IN_FORCE, ENDED, OPEN = "not_started", "in_force", "ended", "open"


@dataclass(frozen=True)
class Validity:
    """The validity that applies to a span, as of ``today``. ``scope`` is ``document`` or
    ``measure``; ``quote_span`` locates the supporting words in the document text."""

    state: str
    valid_from: str = ""
    valid_until: str = ""
    note: str = ""
    quote: str = ""
    quote_span: tuple[int, int] | None = None
    scope: str = "document"
    label: str = ""          # the measure's name (“第二轮发放”), "" for the document

    @property
    def ended(self) -> bool:
        return self.state == ENDED

    @property
    def not_started(self) -> bool:
        return self.state == NOT_STARTED

    def to_dict(self) -> dict:
        return {"state": self.state, "valid_from": self.valid_from, "valid_until": self.valid_until,
                "note": self.note, "quote": self.quote, "scope": self.scope, "label": self.label}


def parse_iso(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def state_on(valid_from: str, valid_until: str, today: dt.date) -> str:
    """``open`` when neither date is set; the last day of ``valid_until`` still counts."""
    start, end = parse_iso(valid_from), parse_iso(valid_until)
    if start is None and end is None:
        return OPEN
    if start is not None and today < start:
        return NOT_STARTED
    if end is not None and today > end:
        return ENDED
    return IN_FORCE


def _quote_span(text: str, quote: str) -> tuple[int, int] | None:
    if not quote:
        return None
    at = text.find(quote)
    return (at, at + len(quote)) if at >= 0 else None


def document_validity(doc, today: dt.date) -> Validity:
    quote = getattr(doc, "validity_quote", "") or ""
    return Validity(state_on(doc.valid_from, doc.valid_until, today), doc.valid_from, doc.valid_until,
                    getattr(doc, "validity_note", "") or "", quote, _quote_span(doc.text, quote))


def validity_at(doc, today: dt.date, start: int | None = None, end: int | None = None) -> Validity:
    """The validity of ``doc.text[start:end]`` on ``today``: the measure that holds the span
    when one does (a measure's own dates win over the document's), else the document's."""
    if start is not None:
        end = start if end is None else end
        for m in getattr(doc, "measures", ()) or ():
            if int(m.get("start", -1)) <= start and end <= int(m.get("end", -1)):
                quote = m.get("quote") or ""
                state = state_on(m.get("valid_from") or doc.valid_from, m.get("valid_until") or doc.valid_until,
                                 today)
                return Validity(state, m.get("valid_from") or doc.valid_from,
                                m.get("valid_until") or doc.valid_until, m.get("note") or "",
                                quote, _quote_span(doc.text, quote), "measure", m.get("label") or "")
    return document_validity(doc, today)


def ended_anywhere(doc, today: dt.date) -> bool:
    """True when the document, or any measure inside it, has ended (staff list marks)."""
    if state_on(doc.valid_from, doc.valid_until, today) == ENDED:
        return True
    return any(state_on(m.get("valid_from") or doc.valid_from, m.get("valid_until") or doc.valid_until, today)
               == ENDED for m in getattr(doc, "measures", ()) or ())


# -- locating measures in the cleaned text --------------------------------------------------
def measure_id(label: str, anchor: str) -> str:
    return "m-" + hashlib.sha1(f"{label}\x00{anchor}".encode("utf-8")).hexdigest()[:8]


def locate_measure(text: str, spec: dict) -> tuple[dict | None, str | None]:
    """A measure spec ``{label, anchor, valid_from, valid_until, note, quote}`` resolved to a
    span: the paragraph(s) of ``text`` from the one holding ``anchor`` to the one holding
    ``anchor_end`` (when given). Returns (measure, problem in Chinese)."""
    anchor = _compact(spec.get("anchor") or "")
    label = (spec.get("label") or "").strip()
    if not anchor:
        return None, f"措施“{label or '（未命名）'}”缺少定位文字（anchor）"
    at = text.find(anchor)
    if at < 0:
        return None, f"措施“{label or anchor[:20]}”的定位文字“{anchor[:30]}”在正文中找不到"
    start = text.rfind("\n", 0, at) + 1
    end_anchor = _compact(spec.get("anchor_end") or "")
    last = at
    if end_anchor:
        found = text.find(end_anchor, at)
        if found < 0:
            return None, f"措施“{label or anchor[:20]}”的结束定位文字“{end_anchor[:30]}”在正文中找不到"
        last = found
    end = text.find("\n", last)
    end = len(text) if end < 0 else end
    quote = _compact(spec.get("quote") or "")
    if quote and quote not in text:
        return None, f"措施“{label or anchor[:20]}”的依据原文“{quote[:30]}”在正文中找不到"
    for key in ("valid_from", "valid_until"):
        if spec.get(key) and parse_iso(spec[key]) is None:
            return None, f"措施“{label or anchor[:20]}”的日期 {spec[key]} 不是有效日期（YYYY-MM-DD）"
    return {"id": spec.get("id") or measure_id(label, anchor), "label": label, "anchor": anchor,
            "anchor_end": end_anchor, "start": start, "end": end,
            "valid_from": _iso(spec.get("valid_from")), "valid_until": _iso(spec.get("valid_until")),
            "note": (spec.get("note") or "").strip(), "quote": quote}, None


def _iso(value) -> str:
    day = parse_iso(value)
    return day.isoformat() if day else ""


def _compact(text: str) -> str:
    """Anchors are typed or pasted by people: the spaces a PDF leaves between Chinese
    characters are not in the cleaned text, so they are not looked for."""
    text = str(text).strip()
    return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)
