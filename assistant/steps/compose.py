"""Compose the deterministic answer as its parts (blocks): extractive and cited for
passages, the result sentence with its rules and next steps for a calculator, the national
law while a missing fact is asked for. The renderer turns the parts into text and places
the follow-up question.

Every answer opens with its answer line: the clause that states the answer, quoted with its
marker (“发放标准为每人1500元”[1]), or the calculator's result sentence. The source line
follows it; further quotes only when they add a sentence the first does not hold. What does
not fit one phone screen (render.REPLY_CHARS) is marked ``more`` and folds behind 展开."""
from assistant import messages
from assistant.answer import ANSWERED, CALCULATED, NEEDS_MORE_INFO
from assistant.calc_fields import calculator_spec, field_specs
from assistant.render import block, fit_screen
from calculators.rules import statute_citations
from policydesk.citation import citation_label

MAX_SENTENCES = 3
MAX_STATUTE_ARTICLES = 3
LINE_CANDIDATES = 1
LINE_ORDER_PENALTY = 0.15


def run(answer, ctx):
    if ctx.route == "calculator":
        blocks, citations = compose_calculation(ctx.calc_result)
        specs = field_specs(ctx.understanding.intent)
        if ctx.assumed:
            conditions = "、".join(specs[m]["label_zh"].removeprefix("是否") for m in ctx.assumed)
            # the result stays the first line; what it assumed follows it
            blocks = blocks[:1] + [block("notice", messages.ASSUMED.format(conditions=conditions))] + blocks[1:]
            answer.follow_up = specs[ctx.assumed[0]].get("ask_zh")
        elif ctx.then_ask and _worth_asking(ctx):
            answer.follow_up = specs[ctx.then_ask[0]].get("ask_zh")
        elif ctx.then_ask:   # nothing owed: the wage would change nothing, so stop asking
            ctx.state = {k: v for k, v in (ctx.state or {}).items() if k != "pending"}
            ctx.state_changed = True
        answer.finish(CALCULATED, blocks=fit_screen(blocks), citations=citations)
    elif ctx.route == "follow_up":
        body, citations = compose_extractive(answer, ctx) if ctx.passages else ([], [])
        rules, citations = compose_statutes(ctx.understanding.intent, citations, ctx)
        answer.follow_up = follow_up_question(ctx)
        answer.finish(NEEDS_MORE_INFO, blocks=fit_screen(body + rules), citations=citations)
    elif ctx.route == "search":
        blocks, citations = compose_extractive(answer, ctx)
        answer.finish(ANSWERED, blocks=fit_screen(blocks), citations=citations)
    else:
        return {"skipped": True}
    ctx.deterministic = answer.answer
    return {"citations": len(answer.citations), "chars": len(answer.answer)}


def _worth_asking(ctx) -> bool:
    """The spec's ``then_ask_if`` result key is true (or the spec sets none)."""
    spec = calculator_spec(ctx.understanding.intent)
    key = spec.chat.then_ask_if if spec and spec.chat else ""
    return not key or bool((ctx.calc_result or {}).get(key))


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
    spec = calculator_spec(name)
    seen: set = set()
    refs = statute_citations(spec.rules if spec and spec.rules else name.replace("-", "_"))
    for c in ctx.services.calculators.resolve(refs, ctx.today):
        # one quote per article, the first few articles the rules cite: what the calculation
        # rests on, not every clause it reads; an article already quoted is not repeated
        key = (c.get("statute"), c.get("article"))
        if not c.get("quote") or key in seen or len(seen) >= MAX_STATUTE_ARTICLES:
            continue
        if any(q.get("doc_id") == c.get("doc_id") and q.get("start", -1) <= c["start"]
               and c["end"] <= q.get("end", -1) for q in citations):
            continue
        seen.add(key)
        citations.append(c)
        text = messages.STATUTE_QUOTE.format(statute=c["statute"], article=c["article"], text=c["quote"])
        blocks.append(block("statute", text, [len(citations)]))
    return blocks, citations


def compose_extractive(answer, ctx) -> tuple[list[dict], list[dict]]:
    """The answer line (the clause of the best sentence that states the answer) with its
    marker, the source line, then the further sentences chosen, each with its marker. A
    quote of national law is named by its article (《劳动合同法》第四十七条（2012-12-28 修正））."""
    searcher = ctx.services.searcher
    quotes = searcher.select_sentences(ctx.query or answer.normalized, ctx.passages, max_sentences=MAX_SENTENCES)
    for p in answer.passages:
        c = p["citation"]
        p["used"] = any(c["doc_id"] == q.doc_id and c["start"] <= q.start and q.end <= c["end"] for q in quotes)
    if not quotes:
        return [block("notice", messages.DECLINED)], []
    # The answer line: the best clause of the first sentences chosen, the earlier sentence
    # preferred (LINE_ORDER_PENALTY per place) — the second sentence often holds the clause
    # that states the figure asked for while the first matched the question's words.
    query = ctx.query or answer.normalized
    lines = [(searcher.answer_line(query, q), n) for n, q in enumerate(quotes[:LINE_CANDIDATES])]
    (line, _), n = max(lines, key=lambda item: item[0][1] - LINE_ORDER_PENALTY * item[1])
    source = quotes[n]
    quotes = [source] + [q for q in quotes if q is not source]
    first = line.to_dict()
    citations = [first]
    blocks = [block("answer", first["quote"], [1]),
              block("source", messages.SOURCE_LINE.format(label=citation_label(first)))]
    for q in quotes[1:]:
        c = q.to_dict()
        if c["doc_id"] == first["doc_id"] and c["start"] < source.end and source.start < c["end"]:
            continue   # the sentence the answer line was cut from
        citations.append(c)
        n = len(citations)
        if c.get("statute") and (c["doc_id"], c.get("article")) != (first["doc_id"], first.get("article")):
            blocks.append(block("statute", messages.LABELLED_QUOTE.format(label=citation_label(c), quote=c["quote"]),
                                [n]))
        elif c["doc_id"] != first["doc_id"]:
            blocks.append(block("statute", messages.LABELLED_QUOTE.format(label=citation_label(c), quote=c["quote"]),
                                [n]))
        else:
            blocks.append(block("quote", c["quote"], [n]))
    # A question naming a year (2008年的劳动合同法) is answered from that year's version, and
    # says so first; when we hold no version that old, it says that instead of quietly
    # answering from another (an older version's citation label says 历史版本 too).
    searcher = ctx.services.searcher
    request = getattr(searcher, "version_request", lambda q: None)(answer.normalized)
    if request is not None and any(c["doc_id"] == request.doc_id for c in citations):
        doc = searcher.documents.get(request.doc_id)
        ctx.version_note = request.note(doc.title if doc else request.work)
        blocks.insert(0, block("notice", ctx.version_note))
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
