"""The calculators page: one form per calculator, built from the registry's field specs."""
from __future__ import annotations

import logging
from datetime import date

import streamlit as st

from assistant import render as answer_render
from assistant.service import get_assistant
from calculators.registry import CALCULATORS
from policydesk.errors import PolicydeskError
from portal import render, resources, text as T, widgets

log = logging.getLogger("policydesk.portal")


def _get(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _choices(field) -> list[tuple[object, str]]:
    """(value, label) pairs from any of the spec's shapes: list of values, of pairs, of
    dicts with value/label_zh, or a {value: label} mapping."""
    raw = _get(field, "choices") or []
    labels = _get(field, "choice_labels_zh") or _get(field, "choices_zh") or {}
    if isinstance(raw, dict):
        return [(k, str(v)) for k, v in raw.items()]
    out = []
    for item in raw:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            out.append((item[0], str(item[1])))
        elif isinstance(item, dict) or hasattr(item, "value"):
            value = _get(item, "value")
            out.append((value, str(_get(item, "label_zh") or _get(item, "label") or value)))
        else:
            out.append((item, str(labels.get(item, item)) if isinstance(labels, dict) else str(item)))
    return out


def _label(field) -> str:
    label = _get(field, "label_zh") or _get(field, "name")
    return f"{label}{T.CALC_REQUIRED}" if _get(field, "required") else label


def _field_input(calc: str, field):
    """Draw one input; returns the value to send, or None for 'not given'."""
    name, ftype = _get(field, "name"), (_get(field, "type") or "str")
    default = _get(field, "default")
    key = f"calc_{calc}_{name}"
    label, help_ = _label(field), _get(field, "ask_zh") or _get(field, "help_zh")
    if ftype == "date":
        default_today = bool(_get(field, "default_today"))
        if default is None and default_today and _get(field, "required"):
            default = date.today().isoformat()
        value = st.text_input(label, value=str(default or ""), key=key,
                              placeholder=T.CALC_DATE_TODAY if default_today else "YYYY-MM-DD",
                              help=(help_ + "　" if help_ else "") + T.CALC_DATE_HELP)
        return value.strip() or None
    if ftype in ("int", "float"):
        is_int = ftype == "int"
        if default is not None:
            default = int(default) if is_int else float(default)
        lo, hi = _get(field, "min"), _get(field, "max")
        cast = int if is_int else float
        value = st.number_input(label, value=default, key=key, help=help_,
                                step=1 if is_int else 0.5,
                                min_value=cast(lo) if lo is not None else None,
                                max_value=cast(hi) if hi is not None else None,
                                format="%d" if is_int else "%.1f", placeholder="")
        if value is None:
            return None
        return int(value) if is_int else float(value)
    if ftype == "bool":
        options = [True, False] if _get(field, "required") or default is not None else [True, False, None]
        names = {True: T.CALC_BOOL_YES, False: T.CALC_BOOL_NO, None: T.CALC_BOOL_UNKNOWN}
        index = options.index(default) if default in options else (len(options) - 1 if None in options else None)
        return st.radio(label, options, index=index, key=key, help=help_, horizontal=True,
                        format_func=names.get)
    if ftype == "choice":
        pairs = _choices(field)
        values = [v for v, _ in pairs]
        names = dict(pairs)
        index = values.index(default) if default in values else None
        return st.selectbox(label, values, index=index, key=key, help=help_,
                            format_func=lambda v: names.get(v, str(v)),
                            placeholder=T.CALC_CHOICE_NONE)
    value = st.text_input(label, value=str(default or ""), key=key, help=help_)
    return value.strip() or None


def render_page() -> None:
    widgets.page_css()
    st.title(f":material/calculate: {T.CALC_TITLE}")
    st.caption(T.CALC_INTRO)
    specs = dict(CALCULATORS)
    if not specs:
        st.info(T.CALC_EMPTY)
        return
    names = list(specs)
    name = st.selectbox(T.CALC_PICK, names, key="calc_pick",
                        format_func=lambda n: _get(specs[n], "title_zh") or n)
    spec = specs[name]
    description = _get(spec, "description_zh") or _get(spec, "description")
    if description:
        st.caption(description)
    fields = list(_get(spec, "fields") or [])
    with st.form(f"calc_form_{name}"):
        inputs = {}
        for field in fields:
            value = _field_input(name, field)
            if value is not None:
                inputs[_get(field, "name")] = value
        submitted = st.form_submit_button(T.CALC_SUBMIT, type="primary")
    result_key = f"calc_result_{name}"
    if submitted:
        st.session_state[result_key] = _calculate(name, fields, inputs)
    outcome = st.session_state.get(result_key)
    if not outcome:
        return
    if outcome.get("error"):
        st.error(outcome["error"], icon=":material/error:")
        return
    _draw_result(outcome["result"])


def _calculate(name: str, fields: list, inputs: dict) -> dict:
    labels = {_get(f, "name"): _get(f, "label_zh") or _get(f, "name") for f in fields}
    try:  # calculators need no index: they run even before ingestion
        return {"result": get_assistant().calculate(name, inputs)}
    except PolicydeskError as exc:
        field = getattr(exc, "field", None)
        label = labels.get(field) or labels.get((field or "").replace("-", "_"))
        message = T.CALC_ERROR_FIELD.format(label=label, message=exc.message_zh) if label \
            and label not in exc.message_zh else exc.message_zh
        return {"error": message}
    except Exception:  # noqa: BLE001
        log.exception("portal: calculator %s failed", name)
        return {"error": T.INTERNAL_ERROR}


def _draw_result(result: dict) -> None:
    st.subheader(T.CALC_RESULT)
    summary = result.get("summary_zh") or result.get("summary")
    if summary:
        st.success(render.markdown_safe(summary))
    if result.get("next_step"):
        st.info(render.markdown_safe(result["next_step"]))
    rows = []
    for key, label in T.RESULT_LABELS.items():
        if key not in result or isinstance(result[key], (dict, list)):
            continue
        value = result.get(f"{key}_zh") or result[key]
        rows.append({T.CALC_ITEM: label, T.CALC_VALUE: render.value_zh(value)})
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
