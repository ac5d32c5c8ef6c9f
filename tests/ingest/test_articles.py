"""Splitting the seed page into its four articles, bylines kept as metadata."""
from __future__ import annotations

from retrieval.articles import split_articles


def test_seed_page_splits_into_four_articles_at_bylines(seed_text):
    articles = split_articles(seed_text)
    assert [a.index for a in articles] == [1, 2, 3, 4]
    assert [a.source_publisher for a in articles] == ["山西晚报", "山西晚报", "山西日报", "新华社"]
    assert [a.byline for a in articles] == ["武佳 李佳璐", "武佳 李佳璐", "高建华", ""]


def test_no_article_mixes_two_stories_or_keeps_its_byline(seed_text):
    one, two, three, four = (a.text for a in split_articles(seed_text))
    assert one.startswith("2022年12月29日，省人社厅传来消息") and one.endswith("与之适应的信息系统等。")
    assert two.startswith("日前，人力资源社会保障部等八部门") and two.endswith("按规定给予社会保险补贴。")
    assert three.startswith("2022年12月30日，记者从省民政厅获悉") and three.endswith("归属感、幸福感。")
    assert four.startswith("最高人民法院2022年12月27日") and four.endswith("人民法院不予支持。")
    for text in (one, two, three, four):
        assert "据《" not in text and "据新华社" not in text and "武佳" not in text


def test_articles_keep_their_paragraphs(seed_text):
    articles = split_articles(seed_text)
    assert [len(a.paragraphs) for a in articles] == [3, 9, 4, 3]
    assert articles[1].paragraphs[7] == ("实施“创业载体筑巢”计划。政府投资的创业孵化基地、创业园区等载体用于创业项目"
                                         "使用的场地，要优先向重点群体免费提供。发挥全国创业孵化示范基地典型带动作用，"
                                         "引导各级创业孵化基地、农民工返乡创业园等载体改造升级，强化服务质量管理，提升孵化服务水平。")


def test_byline_on_one_line_or_two_and_bare_agency():
    page = ("第一篇正文。\n\n（张三）据《山西日报》\n\n第二篇正文。\n\n（李四 王五）\n据《山西晚报》\n\n"
            "第三篇正文。\n\n据新华社\n")
    articles = split_articles(page)
    assert [(a.text, a.byline, a.source_publisher) for a in articles] == [
        ("第一篇正文。", "张三", "山西日报"),
        ("第二篇正文。", "李四 王五", "山西晚报"),
        ("第三篇正文。", "", "新华社"),
    ]


def test_parenthesised_words_that_are_not_a_byline_stay_in_the_text():
    page = "办法如下。\n\n（试行）\n\n本办法自发布之日起施行。"
    articles = split_articles(page)
    assert len(articles) == 1
    assert "（试行）" in articles[0].text


def test_page_without_byline_is_one_article():
    articles = split_articles("山西省就业促进条例\n\n第一条 为了促进就业，制定本条例。\n")
    assert len(articles) == 1 and articles[0].byline == "" and articles[0].source_publisher == ""
