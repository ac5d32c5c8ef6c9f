"""How an answer looks on a screen (H5, widget, portal): citations labelled by their own
words, markers that point at them, no text shown twice, service numbers as tel: links,
the whole document with the cited words highlighted."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import referrals, render
from assistant.render import block

VOUCHER = {"doc_id": "love-vouchers-2022", "title": "我省再次为特困救助供养对象发放爱心消费券",
           "publisher": "山西日报", "date": "2022-12-30"}


def cite(quote: str, start: int = 0, **extra) -> dict:
    return {**VOUCHER, "quote": quote, "start": start, "end": start + len(quote), **extra}


def record(blocks, citations, **extra) -> dict:
    return {"id": "abc123def4567", "answer": render.plain_text(blocks, extra.get("follow_up")),
            "blocks": blocks, "citations": citations, **extra}


def test_a_citation_is_labelled_by_its_first_clause_not_by_the_title():
    c = cite("发放标准为每人1500元，由各县（市、区）政府负责统一组织发放，确保全省困难群众不因疫情而影响正常生活。")
    assert render.short_label(c) == "发放标准为每人1500元…"
    # A clause that is only a date says nothing: the next clause joins it.
    dated = cite("2022年12月30日，记者从省民政厅获悉，省政府近日决定再次发放")
    assert render.short_label(dated) == "2022年12月30日，记者从省民政厅获悉…"
    # A statute article is named by its words; the article number is the source line's.
    statute = {"statute": "《劳动合同法》", "article": "第十九条", "quote": "第十九条　劳动合同期限三个月以上不满一年的，试用期不得超过一个月"}
    assert render.short_label(statute).startswith("劳动合同期限三个月以上不满一年的")


def test_two_citations_never_read_the_same():
    same_start = [cite("发放标准为每人1500元，由各县政府负责统一组织发放"),
                  cite("发放标准为每人1500元，由各县政府负责统一组织发放并指导帮助受益困难群体按期足额消费", 100)]
    labels = render.short_labels(same_start)
    assert len(set(labels)) == 2


def test_markers_link_to_their_citation_and_the_quote_is_not_shown_twice():
    quotes = [cite("发放标准为每人1500元", 50), cite("到2023年2月底前全部完成发放", 223)]
    blocks = [block("lead", "根据《我省再次为特困救助供养对象发放爱心消费券》（山西日报，2022-12-30）："),
              block("quote", quotes[0]["quote"], [1]), block("result", "本轮已发放完毕。", [2])]
    view = render.answer_view(record(blocks, quotes), base="http://h5.example")
    body, cites = view["body_html"], view["citations_html"]
    anchor = view["anchor"]
    assert f'href="#{anchor}-c1"' in body and f'href="#{anchor}-c2"' in body
    assert f'id="{anchor}-c1"' in cites and f'id="{anchor}-c2"' in cites
    # [1] is quoted in the answer: opened, it shows its source and link, not the quote again.
    first, second = cites.split('<li class="pd-cite"')[1:]
    assert "发放标准为每人1500元</blockquote>" not in first and "山西日报，2022-12-30" in first
    # [2] is behind a calculator sentence: its own words are its label, shown once.
    assert second.count("到2023年2月底前全部完成发放") == 1
    assert 'href="http://h5.example/doc/love-vouchers-2022?start=223&amp;end=239#cite"' in second


def test_a_long_quote_not_in_the_answer_opens_to_its_full_words():
    c = cite("发放主要方式为通过手机“云闪付”App注册登录后，自主在“云闪付”签约商超、便利店、电商等选购")
    view = render.answer_view(record([block("result", "可以领取。", [1])], [c]))
    assert '<blockquote class="pd-q">' + c["quote"].replace("“", "“") in view["citations_html"]


def test_text_is_escaped_and_service_numbers_become_tel_links():
    blocks = [block("notice", "请拨打人社服务热线 12333 咨询<script>")]
    view = render.answer_view(record(blocks, []))
    assert '<a class="pd-tel" href="tel:12333">12333</a>' in view["body_html"]
    assert "<script>" not in view["body_html"] and "&lt;script&gt;" in view["body_html"]
    # A policy amount is not a phone number.
    view = render.answer_view(record([block("notice", "每人123330元")], []))
    assert "tel:" not in view["body_html"]


def test_a_rewritten_answer_is_shown_as_said_with_its_markers():
    rec = record([block("quote", "发放标准为每人1500元", [1])], [cite("发放标准为每人1500元")])
    rec["answer"] = "特困人员每人1500元[1]。"
    body = render.answer_view(rec)["body_html"]
    assert "特困人员每人1500元" in body and 'class="pd-mk"' in body


def test_detail_parts_fold_behind_show_more():
    blocks = [block("result", "每人1500元。", [1]), {**block("note", "由各县组织发放。"), "more": True}]
    body = render.answer_view(record(blocks, [cite("发放标准为每人1500元")]))["body_html"]
    assert body.index("每人1500元") < body.index("<details") < body.index("由各县组织发放")


def test_copy_text_holds_the_answer_and_every_source_once():
    quotes = [cite("发放标准为每人1500元", 50), cite("到2023年2月底前全部完成发放", 223)]
    rec = record([block("quote", quotes[0]["quote"], [1]), block("result", "已发放完毕。", [2])], quotes)
    text = render.copy_text(rec, "http://h5.example/")
    lines = text.splitlines()
    assert lines[0] == "“发放标准为每人1500元”[1]"
    assert text.count("发放标准为每人1500元") == 1
    assert "[2] 《我省再次为特困救助供养对象发放爱心消费券》（山西日报，2022-12-30）：“到2023年2月底前全部完成发放”" \
           " http://h5.example/doc/love-vouchers-2022?start=223&end=239#cite" in lines


def test_a_declined_passport_question_goes_to_exit_entry_and_keeps_the_hotline():
    contacts = referrals.decline_contacts("护照丢了怎么补办")
    assert [c["phone"] for c in contacts] == ["12367", "12333"]
    text = referrals.declined_text(contacts)
    assert "出入境" in text and "12367" in text and "民政" not in text
    html = render.contacts_html(contacts)
    assert 'href="tel:12367"' in html and 'href="tel:12333"' in html
    assert referrals.decline_contacts("北京的消费券") == [referrals.hotline_contact()]
    assert "12366" in referrals.declined_text(referrals.decline_contacts("个税怎么退"))
    assert "12329" in referrals.declined_text(referrals.decline_contacts("公积金提取"))
    assert "12393" in referrals.declined_text(referrals.decline_contacts("异地就医怎么报销"))


# -- the whole document ----------------------------------------------------------------------
@dataclass
class Doc:
    text: str


@dataclass
class Article:
    number: str
    start: int
    end: int


@dataclass
class Statute:
    text: str
    articles: tuple

    def article(self, number):
        return next((a for a in self.articles if a.number == number), None)

    def article_at(self, offset):
        return next((a for a in self.articles if a.start <= offset < a.end), None)


def test_document_page_marks_the_quote_inside_its_highlighted_paragraph():
    text = "第一段。\n甲乙丙<丁>戊己。\n第三段。"
    start = text.index("<丁>")
    page = render.document_html(Doc(text), start, start + 3)
    assert page.count("<p") == 3
    assert '<section id="cite" class="pd-cited-section" tabindex="-1"><p class="pd-cited">甲乙丙<mark>&lt;丁&gt;</mark>戊己。</p></section>' in page
    # No span: the document alone, nothing highlighted.
    assert 'id="cite"' not in render.document_html(Doc(text))


def test_document_page_highlights_the_whole_statute_article():
    text = "第十八条　甲。\n第十九条　劳动合同期限三个月以上不满一年的，试用期不得超过一个月。\n同一用人单位只能约定一次试用期。\n第二十条　乙。"
    a19 = text.index("第十九条")
    end19 = text.index("第二十条") - 1
    statute = Statute(text, (Article("第十八条", 0, a19 - 1), Article("第十九条", a19, end19),
                             Article("第二十条", end19 + 1, len(text))))
    quote_start = text.index("试用期不得超过一个月")
    page = render.document_html(statute, quote_start, quote_start + len("试用期不得超过一个月"))
    section = re.search(r'<section id="cite"[^>]*>(.*?)</section>', page).group(1)
    assert "第十九条" in section and "同一用人单位只能约定一次试用期" in section
    assert "第十八条" not in section and "第二十条" not in section
    assert "<mark>试用期不得超过一个月</mark>" in section
    # Asked by article number alone, even without the document's article table.
    by_number = render.document_html(Doc(text), article="第十九条")
    assert "同一用人单位只能约定一次试用期" in re.search(r'<section id="cite"[^>]*>(.*?)</section>', by_number).group(1)
