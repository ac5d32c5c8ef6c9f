"""Each cleaning rule, with real snippets of the seed page and counter-examples that must stay."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from retrieval.clean import clean_paragraph, clean_text


# --- spaces inside Chinese text --------------------------------------------------------

@pytest.mark.parametrize("raw, clean", [
    ("就 业 困 难 人 员 等 重 点 群 体 创 业 。", "就业困难人员等重点群体创业。"),
    ("2022 年 12 月 29 日，省人社厅传来", "2022年12月29日，省人社厅传来"),
    ("消息，2023年 1月 1日起，我省全面实施", "消息，2023年1月1日起，我省全面实施"),
    ("期限原则上不超过 1年。", "期限原则上不超过1年。"),
    ("准为每人 1500 元，由各县（市、区）政府", "准为每人1500元，由各县（市、区）政府"),
    ("共计发放 26.4万人次，发放 3.3 亿元，7 月份", "共计发放26.4万人次，发放3.3亿元，7月份"),
    ("最高人民法院 2022年 12月 27日", "最高人民法院2022年12月27日"),
])
def test_artifact_spaces_are_removed(raw, clean):
    assert clean_paragraph(raw) == clean


@pytest.mark.parametrize("text", [
    "第一章 总则",
    "第十二条 用人单位应当依法缴纳失业保险费。",
    "请下载 App Store 中的云闪付。",
    "Windows 10",
    "（一）2023 12",  # two numbers stay two numbers
])
def test_meaningful_spaces_stay(text):
    assert clean_paragraph(text) == text


def test_heading_space_is_kept_once_and_letter_spaced_heading_is_joined():
    assert clean_paragraph("第一章  总则") == "第一章 总则"
    assert clean_paragraph("第 十 二 条  用 人 单 位") == "第十二条 用人单位"


# --- line wraps, column breaks and paragraphs --------------------------------------------

def test_hard_wraps_inside_a_sentence_are_joined():
    raw = " 我省失业保\n 险基金实施省级统筹后，在失业保险政\n 策、基金收支管理"
    assert clean_text(raw) == "我省失业保险基金实施省级统筹后，在失业保险政策、基金收支管理"


@pytest.mark.parametrize("raw, joined", [
    # column breaks in mid-sentence, as on the seed page
    (" 统完善了转移接续、三险统征、政策落实\n\n 等功能，实现了系统和数据的省级集中",
     "统完善了转移接续、三险统征、政策落实等功能，实现了系统和数据的省级集中"),
    (" 并缴纳失业保险费；统一缴费政策：参\n\n 保单位和职工按照我省规定的统一缴",
     "并缴纳失业保险费；统一缴费政策：参保单位和职工按照我省规定的统一缴"),
    (" 券”1000元、1500元，共计发放 26.4万人\n\n 次，发放 3.3 亿元，7 月份",
     "券”1000元、1500元，共计发放26.4万人次，发放3.3亿元，7月份"),
    (" 手机“云闪付”App注册登录后，自主在“云\n\n 闪付”签约商超",
     "手机“云闪付”App注册登录后，自主在“云闪付”签约商超"),
    (" 民工能力短板、产业特点和创业阶段，\n\n 强化培训、资金",
     "民工能力短板、产业特点和创业阶段，强化培训、资金"),
])
def test_blank_line_in_mid_sentence_is_a_column_break(raw, joined):
    assert clean_text(raw) == joined


def test_paragraph_ends_at_sentence_end_followed_by_blank_line():
    raw = (" 好发挥失业保险“保生活、防失业、促就\n 业”的功能作用。\n\n"
           " 为提高失业保险基金统筹层次，增\n 强基金保障能力。")
    assert clean_text(raw).split("\n") == [
        "好发挥失业保险“保生活、防失业、促就业”的功能作用。",
        "为提高失业保险基金统筹层次，增强基金保障能力。",
    ]


def test_sentence_end_at_a_line_end_without_blank_line_does_not_split():
    raw = " 就 业 困 难 人 员 等 重 点 群 体 创 业 。\n 2022 年 12 月 27 日，省人社厅通过微信\n 公众号进行了解读。"
    assert clean_text(raw) == "就业困难人员等重点群体创业。2022年12月27日，省人社厅通过微信公众号进行了解读。"


def test_indented_line_after_sentence_end_starts_a_paragraph():
    raw = "实施“创业环境优化”计划。\n　　实施“创业主体培育”计划。\n支持高校毕业生创业。"
    assert clean_text(raw).split("\n") == ["实施“创业环境优化”计划。", "实施“创业主体培育”计划。支持高校毕业生创业。"]


def test_indented_line_in_mid_sentence_is_joined():
    assert clean_text("统一缴费政策：参\n    保单位和职工") == "统一缴费政策：参保单位和职工"


def test_chapter_heading_stands_alone_and_keeps_its_space():
    raw = "第一章 总则\n第一条 为了保障失业人员失业期间的基本生活，\n制定本条例。"
    assert clean_text(raw).split("\n") == ["第一章 总则", "第一条 为了保障失业人员失业期间的基本生活，制定本条例。"]


def test_latin_words_wrapped_apart_keep_a_space():
    assert clean_text("下载 App\nStore 后注册") == "下载 App Store 后注册"


def test_markdown_blank_lines_are_paragraphs_and_headings_stand_alone():
    md = "# 爱心消费券\n发放标准为\n每人 1500 元\n\n由各县政府负责"
    assert clean_text(md, markdown=True).split("\n") == ["爱心消费券", "发放标准为每人1500元", "由各县政府负责"]


def test_paragraphs_of_the_seed_are_single_newline_separated(seed_text):
    text = clean_text(seed_text)
    assert "\n\n" not in text
    assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff\d]|\d +[\u4e00-\u9fff]",
                         "\n".join(p for p in text.split("\n") if not p.startswith("（")))


# --- properties ---------------------------------------------------------------------------

_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\d]")

_alphabet = st.sampled_from(list("就业困难人员年月日第一章总则元万亿") + list("0123456789")
                            + list(" 　\t\n\n\n。，、；！？“”《》（）.App#") + ["\r\n", "\u00a0"])
_texts = st.one_of(st.lists(_alphabet, max_size=120).map("".join), st.text(max_size=200))


@hsettings(max_examples=300, deadline=None)
@given(_texts)
def test_cleaning_never_drops_adds_or_reorders_cjk_or_digits(raw):
    assert _KEEP.findall(clean_text(raw)) == _KEEP.findall(raw)


@hsettings(max_examples=200, deadline=None)
@given(_texts)
def test_markdown_cleaning_keeps_cjk_and_digits_too(raw):
    assert _KEEP.findall(clean_text(raw, markdown=True)) == _KEEP.findall(raw)
