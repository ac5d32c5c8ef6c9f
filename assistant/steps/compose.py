"""Compose the deterministic answer as its parts (blocks): extractive and cited for
passages, the result sentence with its rules and next steps for a calculator, the national
law while a missing fact is asked for. The renderer turns the parts into text and places
the follow-up question."""
from assistant import messages
from assistant.answer import ANSWERED, CALCULATED, NEEDS_MORE_INFO
from assistant.calc_fields import field_specs
from assistant.render import block
from calculators.rules import statute_citations
from policydesk.citation import citation_label

MAX_SENTENCES = 3


def run(answer, ctx):
    if ctx.route == "calculator":
        blocks, citations = compose_calculation(ctx.calc_result)
        if ctx.assumed:
            specs = field_specs(ctx.understanding.intent)
            conditions = "、".join(specs[m]["label_zh"].removeprefix("是否") for m in ctx.assumed)
            blocks = [block("notice", messages.ASSUMED.format(conditions=conditions))] + blocks
            answer.follow_up = specs[ctx.assumed[0]].get("ask_zh")
        answer.finish(CALCULATED, blocks=blocks, citations=citations)
    elif ctx.route == "follow_up":
        body, citations = compose_extractive(answer, ctx) if ctx.passages else ([], [])
        rules, citations = compose_statutes(ctx.understanding.intent, citations, ctx)
        answer.follow_up = follow_up_question(ctx)
        answer.finish(NEEDS_MORE_INFO, blocks=body + rules, citations=citations)
    elif ctx.route == "search":
        blocks, citations = compose_extractive(answer, ctx)
        answer.finish(ANSWERED, blocks=blocks, citations=citations)
    else:
        return {"skipped": True}
    ctx.deterministic = answer.answer
    return {"citations": len(answer.citations), "chars": len(answer.answer)}


def follow_up_question(ctx) -> str:
    name = ctx.understanding.intent
    field = ctx.missing[0]
    spec = field_specs(name).get(field, {})
    ask = spec.get("ask_zh") or f"请提供{spec.get('label_zh', field)}。"
    problem = ctx.input_problem or ctx.understanding.problems.get(field)
    if problem:
        return messages.BAD_SLOT.format(label=spec.get("label_zh", field), problem=problem.rstrip("。")) + ask
    return ask


def compose_statutes(name: str, citations: list[dict], ctx) -> tuple[list[dict], list[dict]]:
    """While we wait for the missing fact, quote the national law the calculator applies
    (e.g. the duration bands of 《失业保险条例》第十七条), so a general question is answered.
    The wording is cut from the ingested statute; an article already quoted is not repeated."""
    blocks, citations = [], list(citations)
    for c in ctx.services.calculators.resolve(statute_citations(name.replace("-", "_")), ctx.today):
        if not c.get("quote") or any(q.get("doc_id") == c.get("doc_id") and q.get("start", -1) <= c["start"]
                                     and c["end"] <= q.get("end", -1) for q in citations):
            continue
        citations.append(c)
        text = messages.STATUTE_QUOTE.format(statute=c["statute"], article=c["article"], text=c["quote"])
        blocks.append(block("statute", text, [len(citations)]))
    return blocks, citations


def compose_extractive(answer, ctx) -> tuple[list[dict], list[dict]]:
    """The chosen quotes, each with its marker. A quote of national law is named by its
    article (《劳动合同法》第四十七条（2012-12-28 修正）); when local policy and national law
    both answer, the local rule leads and the articles follow as its national basis."""
    quotes = ctx.services.searcher.select_sentences(answer.normalized, ctx.passages,
                                                     max_sentences=MAX_SENTENCES)
    local = [q.to_dict() for q in quotes if not q.statute]
    national = [q.to_dict() for q in quotes if q.statute]
    citations = local + national
    for p in answer.passages:
        c = p["citation"]
        p["used"] = any(c["doc_id"] == q["doc_id"] and c["start"] <= q["start"] and q["end"] <= c["end"]
                        for q in citations)
    if not citations:
        return [block("notice", messages.DECLINED)], []
    blocks: list[dict] = []
    if local:
        first = local[0]
        lead = messages.SOURCE_LEAD_MULTI if len({c["doc_id"] for c in local}) > 1 else messages.SOURCE_LEAD
        blocks.append(block("lead", lead.format(title=first["title"], publisher=first["publisher"],
                                                date=first["date"])))
        blocks += [block("quote", c["quote"], [i]) for i, c in enumerate(local, 1)]
        if national:
            blocks.append(block("lead", messages.NATIONAL_BASIS))
    for i, c in enumerate(national, len(local) + 1):
        if not local and i == 1:
            blocks.append(block("lead", messages.LABEL_LEAD.format(label=citation_label(c))))
            blocks.append(block("quote", c["quote"], [i]))
        else:
            blocks.append(block("statute", messages.LABELLED_QUOTE.format(label=citation_label(c), quote=c["quote"]),
                                [i]))
    return blocks, citations


def compose_calculation(result: dict) -> tuple[list[dict], list[dict]]:
    """The result in one sentence with its number, the rules with markers, what to do next."""
    citations: list[dict] = []

    def markers(cites: list[dict]) -> list[int]:
        out = []
        for c in cites or []:
            if c not in citations:
                citations.append(c)
            out.append(citations.index(c) + 1)
        return out

    blocks = [block("result", result.get("summary", "").strip(), markers(result.get("citations")))]
    for note in result.get("notes") or []:
        blocks.append(block("note", note["text"], markers(note.get("citations"))))
    for program in result.get("programs") or []:
        blocks.append(block("note", f"{program['name']}：{program.get('why', '')}", markers(program.get("citations"))))
    advice = result.get("next_step") or result.get("advice")
    if advice:
        blocks.append(block("next_step", advice))
    return blocks, citations
