"""Validity: does what the answer quotes still apply on the day asked?

- A quote from a document (or a measure inside it) past its ``valid_until`` puts a
  ``validity`` block first: the measure has ended (已结束), on which day, why (the note and
  the text's own words, cited), and that what follows is not current policy. One block per
  ended document or measure; the renderer keeps these blocks first (render.FIRST_KINDS).
- A quote before its ``valid_from`` says the measure has not started yet (尚未施行).
- An answer citing a retired document (an approved answer or a calculator rule whose source
  was withdrawn) is not given: a retired document is never cited to citizens.

Every citation of a document with dates carries them (``validity``), so the numeric guard
accepts the dates the notice states."""
from assistant import messages
from assistant.answer import DECLINED
from assistant.render import block, plain_text
from policydesk.dates import zh_date
from retrieval.documents import Citation
from retrieval.validity import ENDED, NOT_STARTED, parse_iso, validity_at

CHECKED = ("answered", "calculated", "faq", "needs_more_info")


def run(answer, ctx):
    if answer.status not in CHECKED or not answer.citations:
        return {"skipped": True}
    docs = _documents(ctx)
    if not docs:
        return {"skipped": "no documents"}
    retired = sorted({c.get("doc_id") for c in answer.citations
                      if c.get("doc_id") in docs and docs[c["doc_id"]].retired})
    if retired:
        answer.follow_up = None
        answer.finish(DECLINED, messages.SOURCE_RETIRED, citations=[])
        answer.declined = True
        ctx.deterministic = answer.answer
        return {"retired_sources": retired}
    notices: dict[tuple, dict] = {}
    for n, c in enumerate(list(answer.citations), 1):
        doc = docs.get(c.get("doc_id"))
        if doc is None or c.get("statute"):
            continue
        v = validity_at(doc, ctx.today, c.get("start"), c.get("end"))
        if v.state not in (ENDED, NOT_STARTED):
            continue
        c["validity"] = v.to_dict()
        key = (doc.doc_id, v.scope, v.label)
        if key not in notices:
            notices[key] = {"doc": doc, "validity": v, "markers": [n]}
    if not notices:
        return {"checked": len(answer.citations)}
    blocks = []
    for item in notices.values():
        doc, v = item["doc"], item["validity"]
        markers = list(item["markers"])
        if v.quote_span is not None:
            markers = [_cite_quote(answer, doc, v)]
        blocks.append(block("validity", _sentence(doc, v), markers))
    answer.blocks = blocks + [b for b in answer.blocks if b["kind"] != "validity"]
    answer.answer = plain_text(answer.blocks, answer.follow_up)
    ctx.deterministic = answer.answer
    return {"ended": sum(1 for i in notices.values() if i["validity"].state == ENDED),
            "not_started": sum(1 for i in notices.values() if i["validity"].state == NOT_STARTED)}


def _documents(ctx) -> dict:
    try:
        return ctx.services.searcher.documents
    except Exception:  # noqa: BLE001 - no index: nothing to check against
        try:
            return ctx.services.documents_by_id
        except Exception:  # noqa: BLE001
            return {}


def _sentence(doc, v) -> str:
    what = (messages.VALIDITY_WHAT_MEASURE.format(title=doc.title, label=v.label) if v.label
            else messages.VALIDITY_WHAT_DOC.format(title=doc.title))
    note = messages.VALIDITY_NOTE.format(note=v.note) if v.note else ""
    if v.state == NOT_STARTED:
        return messages.VALIDITY_NOT_STARTED.format(what=what, start=_day(v.valid_from), note=note)
    if v.valid_until:
        return messages.VALIDITY_ENDED.format(what=what, until=_day(v.valid_until), note=note)
    return messages.VALIDITY_ENDED_QUOTE.format(what=what, quote=v.quote, note=note)


def _day(value: str) -> str:
    day = parse_iso(value)
    return zh_date(day) if day else value


def _cite_quote(answer, doc, v) -> int:
    """The marker of the citation of the words that support the dates (added when the
    answer does not quote them already)."""
    start, end = v.quote_span
    for n, c in enumerate(answer.citations, 1):
        if c.get("doc_id") == doc.doc_id and c.get("start") is not None and c["start"] <= start and end <= c["end"]:
            return n
    cite = Citation.for_span(doc, start, end).to_dict()
    cite["validity"] = v.to_dict()
    answer.citations.append(cite)
    return len(answer.citations)
