"""The answer line: an answered question opens with the clause that states the answer,
quoted verbatim with its marker; the source line sits under it; what does not fit one
phone screen folds behind 展开."""
from datetime import date

from assistant import render
from assistant.service import get_assistant
from retrieval.clauses import best_span, split_clauses

TODAY = date(2023, 1, 10)


def ask(question):
    return get_assistant().ask(question, today=TODAY, log=False).to_dict()


def test_the_voucher_amount_is_the_first_line_and_its_source_the_second(indexed_home):
    answer = ask("爱心消费券每人多少钱")
    first, second = answer["answer"].splitlines()[:2]
    assert "1500元" in first and first.endswith("[1]") and len(first) <= 90
    assert second.startswith("——《") and "山西日报" in second and "2022-12-30" in second
    quote = answer["citations"][0]["quote"]
    assert quote in first and "1500" in quote


def test_the_answer_line_is_cut_verbatim_from_the_document(indexed_home):
    answer = ask("劳务派遣工能不能同工同酬")
    c = answer["citations"][0]
    doc = get_assistant().searcher.documents[c["doc_id"]]
    assert doc.text[c["start"]:c["end"]] == c["quote"]
    assert c["quote"] in answer["answer"].splitlines()[0] and "同工同酬" in c["quote"]


def test_what_does_not_fit_one_screen_folds_behind_zhankai(indexed_home):
    answer = ask("爱心消费券每人多少钱")
    assert len(answer["answer"]) > render.REPLY_CHARS          # the whole answer is long
    shown = render.shown_text(answer)
    assert len(shown) <= render.REPLY_CHARS + 20 and "1500" in shown
    html = render.body_html(answer, "a1")
    assert "展开" in html and "<details" in html


def test_a_condition_stays_with_the_rule_it_sets():
    text = ("劳动合同期限三个月以上不满一年的，试用期不得超过一个月；劳动合同期限一年以上不满三年的，"
            "试用期不得超过二个月；三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。")
    weights = {"劳动合同": 1.0, "一年": 1.0, "三年": 1.0, "试用期": 1.0, "不满": 0.5}

    def tokenize(s):
        return [w for w in weights if w in s]
    start, end, _ = best_span(weights, tokenize, text, 0, "合同签一年半，试用期最长多久")
    line = text[start:end]
    assert not line.endswith("的") and "试用期不得超过" in line
    assert all(not c.text.endswith("，") for c in split_clauses(text))
