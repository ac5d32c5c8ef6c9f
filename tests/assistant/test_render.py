"""The renderer: an answer's parts read the same on every surface, the follow-up is placed
once, highlights land on the right characters and HTML is escaped."""
from assistant import render
from assistant.render import block


def test_quote_is_marked_inside_its_own_paragraph_only():
    text = "第一段。\n甲乙丙<b>丁</b>戊己。\n第三段。"
    quote = "<b>丁</b>"
    start = text.index(quote)
    html = render.paragraph_with_quote(text, start, start + len(quote), quote)
    assert html == "甲乙丙<mark>&lt;b&gt;丁&lt;/b&gt;</mark>戊己。"


def test_wrong_span_falls_back_to_finding_the_quote():
    text = "甲段。\n发放标准为每人1500元，由各县负责。"
    html = render.paragraph_with_quote(text, 0, 3, "每人1500元")
    assert "<mark>每人1500元</mark>" in html and html.startswith("发放标准为")


def test_longer_terms_win_and_text_is_escaped():
    html = render.highlight_terms("创业担保贷款<展期>，贷款", ["贷款", "创业担保贷款", "展期"])
    assert html == "<mark>创业担保贷款</mark>&lt;<mark>展期</mark>&gt;，<mark>贷款</mark>"


def test_standard_reply_lists_each_citation_with_source_and_hotline():
    reply = render.standard_reply({
        "answer": "每人1500元。",
        "citations": [{"doc_id": "x", "title": "爱心消费券", "publisher": "山西日报",
                       "date": "2022-12-30", "quote": "发放标准为每人1500元"},
                      {"statute": "《失业保险条例》", "article": "第十七条", "text": "最长为24个月"}],
    })
    lines = reply.splitlines()
    assert lines[0] == "每人1500元。"
    assert "[1] 《爱心消费券》（山西日报，2022-12-30）：“发放标准为每人1500元”" in lines
    assert "[2] 《失业保险条例》第十七条：“最长为24个月”" in lines
    assert "12333" in lines[-1]


def test_standard_reply_does_not_repeat_a_quote_the_answer_already_contains():
    reply = render.standard_reply({
        "answer": "根据原文：“发放标准为每人1500元”[1]",
        "citations": [{"title": "爱心消费券", "publisher": "山西日报", "date": "2022-12-30",
                       "quote": "发放标准为每人1500元"}]})
    assert reply.count("发放标准为每人1500元") == 1
    assert "[1] 《爱心消费券》（山西日报，2022-12-30）" in reply.splitlines()


def test_follow_up_closes_the_text_once_framed_by_what_the_answer_holds():
    quotes = [block("lead", "根据《某文》："), block("quote", "第一句", [1])]
    asked = render.plain_text(quotes, "请问您的贷款什么时候到期？")
    assert asked == "根据《某文》：\n“第一句”[1]\n\n为了帮您准确计算，还需要了解：请问您的贷款什么时候到期？"
    result = [block("notice", "以下按您非因本人意愿中断就业的情况计算："), block("result", "最长可领取12个月。", [1, 2])]
    confirm = render.plain_text(result, "请问您是主动辞职吗？")
    assert confirm.endswith("\n\n请确认：请问您是主动辞职吗？") and confirm.count("请问您是主动辞职吗") == 1
    assert render.plain_text([], "请问您的贷款什么时候到期？") == "请问您的贷款什么时候到期？"


def test_every_surface_shows_the_answer_text_as_rendered_and_labels_citations_alike():
    record = {"answer": "根据原文：\n“发放标准为每人1500元”[1]\n\n请确认：您是特困人员吗？",
              "follow_up": "您是特困人员吗？",
              "citations": [{"title": "爱心消费券", "publisher": "山西日报", "date": "2022-12-30",
                             "quote": "发放标准为每人1500元"},
                            {"statute": "《失业保险条例》", "article": "第十七条", "text": "最长为24个月"}]}
    label = "《爱心消费券》（山西日报，2022-12-30）"
    for text in (render.terminal_text(record), render.wechat_text(record), render.standard_reply(record)):
        assert text.startswith(record["answer"]) and text.count("您是特困人员吗") == 1
        assert label in text and "《失业保险条例》第十七条" in text
