"""Query normalization and domain tokenization: what a citizen types reaches the index."""
from policydesk.numerals import cn_to_int
from retrieval.normalize import normalize_text
from retrieval.lexical import get_tokenizer


def test_traditional_becomes_simplified():
    assert normalize_text("愛心消費券怎麼領") == "爱心消费券怎么领"


def test_full_width_digits_and_letters_fold_but_chinese_punctuation_stays():
    assert normalize_text("１５００元，ＡＰＰ") == "1500元，APP"


def test_chinese_numerals_before_units_become_digits():
    assert normalize_text("每人一千五百元") == "每人1500元"
    assert normalize_text("交了十二年") == "交了12年"
    assert normalize_text("二〇二三年三月十五号") == "2023年3月15号"


def test_words_containing_numerals_are_left_alone():
    assert normalize_text("推行一次办结") == "推行一次办结"
    assert normalize_text("两年内未就业") == "两年内未就业"
    assert normalize_text("实现五统一") == "实现五统一"


def test_spaces_inside_chinese_removed():
    assert normalize_text("  失业 保险  ") == "失业保险"


def test_cn_to_int():
    assert cn_to_int("十") == 10
    assert cn_to_int("两万") == 20000
    assert cn_to_int("三百零五") == 305


def test_domain_dictionary_keeps_policy_terms_whole():
    tok = get_tokenizer()
    words = tok.words("特困救助供养对象通过云闪付领取爱心消费券")
    for term in ("特困救助供养对象", "云闪付", "爱心消费券"):
        assert term in words


def test_stop_words_and_punctuation_dropped():
    tokens = get_tokenizer().tokenize("请问，创业担保贷款怎么展期呢？")
    assert "创业担保贷款" in tokens and "展期" in tokens
    assert not {"请问", "怎么", "呢", "，", "？"} & set(tokens)


def test_query_expansion_maps_colloquial_words_to_policy_wording():
    tokens = get_tokenizer().tokenize("社保补贴", expand=True)
    assert "社会保险" in tokens
