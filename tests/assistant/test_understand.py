"""Intent and slots from colloquial questions (phrasings other than the policy wording)."""
from datetime import date

import pytest

from assistant.understand import understand
from retrieval.normalize import normalize_text

TODAY = date(2023, 3, 1)


def u(text):
    return understand(normalize_text(text), TODAY)


@pytest.mark.parametrize("question,intent,slots", [
    ("我那笔创业贷款下个月10号到期，疫情影响资金紧张，能往后推多久？", "loan-deferral",
     {"maturity": "2023-04-10", "pandemic_hardship": True}),
    ("借款明年三月底到期，想展期半年，可以吗", "loan-deferral", {"maturity": "2024-03-31", "months": 6}),
    ("被公司裁员了，失业保险交了七年，办了失业登记，能领几个月", "unemployment",
     {"contribution_years": 7.0, "involuntary": True, "registered": True}),
    ("我是主动辞职的，交了3年失业保险，能领失业金吗", "unemployment",
     {"contribution_years": 3.0, "involuntary": False}),
    ("簽了兩年的勞動合同，試用期最長幾個月？", "probation", {"contract_months": 24}),
    ("合同一年，公司约定试用期3个月，合法吗", "probation", {"contract_months": 12, "probation_months": 3}),
    ("合同两年，已经约定2个月试用期，公司说要再延长1个月，合法吗", "probation",
     {"contract_months": 24, "probation_months": 2, "extension_months": 1}),
    ("我妈是特困供养人员，不会用智能手机，消费券怎么领", "voucher", {"category": "tekun", "smartphone": False}),
    ("我家是低保户，能领爱心消费券吗", "voucher", {"category": "dibao"}),
    ("我是返乡农民工，想开个小店，有哪些政策能享受", "benefits",
     {"migrant_worker": True, "entrepreneur": True}),
])
def test_calculator_intents_and_slots(question, intent, slots):
    result = u(question)
    assert result.intent == intent
    for key, value in slots.items():
        assert result.slots.get(key) == value, (key, result.slots)


@pytest.mark.parametrize("question", [
    "消费券在云闪付上怎么用",
    "失业保险基金省级统筹是什么意思",
    "创业担保贷款的担保基金有什么变化",
    "法院对就业歧视是什么态度",
])
def test_questions_about_the_texts_go_to_search(question):
    assert u(question).intent == "search"


@pytest.mark.parametrize("question", ["你好", "谢谢！", "在吗"])
def test_greetings_are_chitchat(question):
    assert u(question).intent == "chitchat"
