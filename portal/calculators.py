"""The calculators page: one form per calculator, drawn from its spec (fields with type,
unit, range, choices with labels, how to ask; result labels)."""
from __future__ import annotations

import logging
from datetime import date

import streamlit as st

from assistant import render as answer_render
from assistant.service import get_assistant
from calculators.registry import CALCULATORS, CalculatorSpec, Field
from policydesk.errors import PolicydeskError
from portal import render, resources, text as T, widgets

log = logging.getLogger("policydesk.portal")


def _label(field: Field) -> str:
    unit = f"（{field.unit_zh}）" if field.unit_zh and field.unit_zh not in field.label_zh else ""
    return f"{field.label_zh}{unit}{T.CALC_REQUIRED if field.required else ''}"


def _help(field: Field) -> str:
    parts = [field.ask_zh]
    if field.range_zh and field.type != "date":
        parts.append(T.CALC_RANGE.format(range=field.range_zh))
    return "　".join(p for p in parts if p)


def _field_input(calc: str, field: Field):
    """Draw one input from its spec; returns the value to send, or None for 'not given'."""
    key = f"calc_{calc}_{field.name}"
    label, help_, default = _label(field), _help(field), field.default
    if field.type == "date":
        if default is None and field.default_today and field.required:
            default = date.today().isoformat()
        value = st.text_input(label, value=str(default or ""), key=key,
                              placeholder=T.CALC_DATE_TODAY if field.default_today else "YYYY-MM-DD",
                              help=help_ + "　" + T.CALC_DATE_HELP)
        return value.strip() or None
    if field.type in ("int", "float", "money"):
        # A text box, not st.number_input: the browser's own range check speaks English and
        # turns −3 into "missing"; the calculator's rule says what is wrong, in Chinese.
        value = st.text_input(label, value="" if default is None else str(default), key=key,
                              help=help_, placeholder=T.CALC_NUMBER_PLACEHOLDER)
        return value.strip() or None
    if field.type == "bool":
        options = [True, False] if field.required or default is not None else [True, False, None]
        names = {True: T.CALC_BOOL_YES, False: T.CALC_BOOL_NO, None: T.CALC_BOOL_UNKNOWN}
        index = options.index(default) if default in options else (len(options) - 1 if None in options else None)
        return st.radio(label, options, index=index, key=key, help=help_, horizontal=True,
                        format_func=names.get)
    if field.type == "choice":
        values = [c.value for c in field.choices]
        index = values.index(default) if default in values else None
        return st.selectbox(label, values, index=index, key=key, help=help_,
                            format_func=field.choice_label, placeholder=T.CALC_CHOICE_NONE)
    raise ValueError(f"unknown field type {field.type}")


def render_page() -> None:
    widgets.page_css()
    st.title(T.CALC_TITLE)
    st.caption(T.CALC_INTRO)
    specs = dict(CALCULATORS)
    if not specs:
        st.info(T.CALC_EMPTY)
        return
    name = st.selectbox(T.CALC_PICK, list(specs), key="calc_pick", format_func=lambda n: specs[n].title_zh)
    spec = specs[name]
    st.caption(spec.description)
    with st.form(f"calc_form_{name}"):
        inputs = {}
        for field in spec.fields:
            value = _field_input(name, field)
            if value is not None:
                inputs[field.name] = value
        submitted = st.form_submit_button(T.CALC_SUBMIT, type="primary")
    result_key = f"calc_result_{name}"
    if submitted:
        st.session_state[result_key] = _calculate(spec, inputs)
    outcome = st.session_state.get(result_key)
    if not outcome:
        return
    if outcome.get("error"):
        st.error(outcome["error"], icon=":material/error:")
        return
    _draw_result(spec, outcome["result"])


def _calculate(spec: CalculatorSpec, inputs: dict) -> dict:
    labels = {f.name: f.label_zh for f in spec.fields}
    try:  # calculators need no index: they run even before ingestion
        return {"result": get_assistant().calculate(spec.name, inputs)}
    except PolicydeskError as exc:
        field = getattr(exc, "field", None)
        label = labels.get(field) or labels.get((field or "").replace("-", "_"))
        message = T.CALC_ERROR_FIELD.format(label=label, message=exc.message_zh) if label \
            and label not in exc.message_zh else exc.message_zh
        return {"error": message}
    except Exception:  # noqa: BLE001
        log.exception("portal: calculator %s failed", spec.name)
        return {"error": T.INTERNAL_ERROR}


def _draw_result(spec: CalculatorSpec, result: dict) -> None:
    st.subheader(T.CALC_RESULT)
    summary = result.get("summary")
    if summary:
        st.success(render.markdown_safe(summary))
    if result.get("next_step"):
        st.info(render.markdown_safe(result["next_step"]))
    rows = []
    for key, label in spec.results.items():   # the result labels of this calculator's spec
        if key not in result or isinstance(result[key], (dict, list)) or result[key] is None:
            continue
        rows.append({T.CALC_ITEM: label, T.CALC_VALUE: render.value_zh(result[key])})
    if rows:
        st.table(rows)
    for key, label in T.RESULT_LIST_LABELS.items():
        items = result.get(key)
        if not isinstance(items, list) or not items:
            continue
        st.markdown(f"**{label}**")
        for item in items:
            _draw_list_item(item)
    steps = result.get("steps") or []
    docs_by_id = resources.documents_by_id()
    if steps:
        st.subheader(T.CALC_TRACE)
        for n, step in enumerate(steps, 1):
            _draw_step(n, step, docs_by_id)
    cites = result.get("citations") or []
    if cites:
        st.subheader(T.CALC_CITATIONS)
        widgets.citations(cites, docs_by_id, key="calc")


def _draw_list_item(item) -> None:
    if not isinstance(item, dict):
        st.markdown(f"- {render.markdown_safe(render.value_zh(item))}")
        return
    name = item.get("name") or item.get("label") or item.get("text") or ""
    parts = [f"{label}：{render.value_zh(item.get(key + '_zh') or item[key])}"
             for key, label in T.RESULT_ITEM_LABELS.items() if item.get(key) not in (None, "")]
    line = f"- **{render.markdown_safe(name)}**" if name else "-"
    if parts:
        line += "　" + "；".join(render.markdown_safe(p) for p in parts)
    st.markdown(line)
    for c in item.get("citations") or []:
        st.caption("　" + T.STEP_REFERENCE.format(ref=_reference_text(c, {})))


def _reference_text(ref: dict, docs_by_id: dict) -> str:
    if ref.get("statute"):
        return answer_render.citation_label(ref)
    doc = docs_by_id.get(ref.get("doc_id"))
    c = dict(ref)
    if doc is not None:
        c.setdefault("title", doc.title)
        c.setdefault("publisher", doc.publisher)
        c.setdefault("date", doc.date)
    quote = c.get("quote") or c.get("text") or ""
    return answer_render.citation_label(c) + (f"“{quote}”" if quote else "")


def _draw_step(n: int, step, docs_by_id: dict) -> None:
    """One line of the trace: the rule read (with its value) or the computation made."""
    if not isinstance(step, dict):
        st.markdown(f"{n}. {render.markdown_safe(str(step))}")
        return
    text = step.get("text") or step.get("label") or step.get("name") or ""
    # The rule's own sentence ends with its reference; the reference is drawn below instead.
    text = text.split("；依据：")[0]
    st.markdown(f"{n}. {render.markdown_safe(text)}")
    ref = step.get("reference")
    if isinstance(ref, dict):
        st.caption(T.STEP_REFERENCE.format(ref=_reference_text(ref, docs_by_id)))
    elif ref:
        st.caption(T.STEP_REFERENCE.format(ref=ref))
