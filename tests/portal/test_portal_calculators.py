"""The calculators page: forms built from the registry spec, Chinese validation, trace."""
from __future__ import annotations

from portal_helpers import button


def _voucher(at):
    at.selectbox(key="calc_pick").set_value("voucher").run()
    return at


def test_every_registered_calculator_has_a_form_with_chinese_labels(app):
    from calculators.registry import CALCULATORS

    at = app("calculators")
    for name, spec in CALCULATORS.items():
        at.selectbox(key="calc_pick").set_value(name).run()
        assert not at.exception
        labels = [w.label for w in (*at.text_input, *at.number_input, *at.radio, *at.selectbox)]
        for field in spec["fields"] if isinstance(spec, dict) else spec.fields:
            label_zh = field["label_zh"] if isinstance(field, dict) else field.label_zh
            assert any(label.startswith(label_zh) for label in labels), (name, label_zh, labels)


def test_bad_date_shows_the_chinese_validation_message_not_a_traceback(app):
    at = _voucher(app("calculators"))
    at.selectbox(key="calc_voucher_category").set_value("tekun")
    at.text_input(key="calc_voucher_date").set_value("2023-02-30")
    button(at, "计算").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and "查询日期" in errors[0] and "2023-02-30" in errors[0]
    assert not at.table        # no result drawn for bad input


def test_voucher_result_shows_amount_trace_with_references_and_citations(app):
    at = _voucher(app("calculators"))
    at.selectbox(key="calc_voucher_category").set_value("tekun")
    at.text_input(key="calc_voucher_date").set_value("2023-01-10")
    button(at, "计算").click().run()
    assert not at.exception and not at.error
    shown = "\n".join([s.value for s in at.success] + [str(t.value) for t in at.table])
    assert "1500" in shown
    subheaders = [h.value for h in at.subheader]
    assert any("计算过程" in h for h in subheaders)
    refs = [c.value for c in at.caption if c.value.startswith("依据")]
    assert refs and any("山西日报" in r for r in refs)      # each rule read names its source
    assert at.expander and at.expander[0].label.startswith("[1]")


def test_missing_required_choice_is_named_in_chinese(app):
    at = _voucher(app("calculators"))
    at.text_input(key="calc_voucher_date").set_value("2023-01-10")
    button(at, "计算").click().run()
    assert not at.exception
    assert at.error and "救助身份" in at.error[0].value


def test_a_negative_number_is_refused_by_the_rule_in_chinese_not_called_missing(app):
    at = app("calculators")
    at.selectbox(key="calc_pick").set_value("unemployment").run()
    at.text_input(key="calc_unemployment_contribution_years").set_value("-3")
    at.radio(key="calc_unemployment_involuntary").set_value(True)
    at.radio(key="calc_unemployment_registered").set_value(True)
    button(at, "计算").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "累计缴费年限" in message and "不能为负数" in message and "缺少" not in message
    assert not at.number_input     # no browser range check that would speak English
