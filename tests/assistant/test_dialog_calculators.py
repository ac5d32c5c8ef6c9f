"""The labour calculators in conversation: each reachable from a colloquial question, a
missing fact asked for and filled from the next message, a bad value named and asked again."""
import uuid
from datetime import date

from assistant.service import get_assistant


def converse(turns, today=date(2024, 7, 1)):
    session = uuid.uuid4().hex
    return [get_assistant().ask(text, session_id=session, today=today, log=False) for text in turns]


def test_severance_asks_the_reason_then_the_service_then_offers_the_amount(writable_indexed_home):
    first, second, third, fourth = converse(["公司要跟我解除合同，能拿多少经济补偿？", "公司裁员",
                                              "干了3年", "6000"])
    assert first.status == "needs_more_info" and "怎么解除" in first.follow_up
    assert second.status == "needs_more_info" and "工作了多长时间" in second.follow_up
    assert third.status == "calculated" and "3个月工资" in third.answer
    assert "月工资" in third.follow_up                # the amount needs the wage: asked after answering
    assert fourth.calculator["name"] == "severance"
    assert fourth.calculator["result"]["amount_yuan"] == 18000 and "18000.00元" in fourth.answer


def test_severance_for_an_unlawful_dismissal_is_double_and_offers_reinstatement(writable_indexed_home):
    (reply,) = converse(["入职1年3个月被公司违法辞退，月薪1万，赔偿金多少？"])
    assert reply.calculator["result"]["amount_yuan"] == 30000
    assert "继续履行" in reply.answer and "第八十七条" in "".join(c.get("article", "") for c in reply.citations)


def test_annual_leave_asks_for_the_years_of_work(writable_indexed_home):
    first, second = converse(["我今年能休几天年假？", "12年"], today=date(2024, 3, 1))
    assert first.status == "needs_more_info" and "累计参加工作" in first.follow_up
    assert second.status == "calculated" and "10天" in second.answer


def test_overtime_without_a_wage_gives_the_rate_and_asks_for_the_wage(writable_indexed_home):
    first, second = converse(["周末加班两天没补休，加班费怎么算？", "月薪5000"])
    assert first.status == "calculated" and "200%" in first.answer and "月工资" in first.follow_up
    assert second.calculator["result"]["amount_yuan"] == 919.56
    assert "21.75" in second.answer                  # the paid-days default is said, not hidden


def test_work_injury_deadline_passed_is_said_first(writable_indexed_home):
    (reply,) = converse(["我2022年1月15日干活受伤，单位一直没给报工伤，我现在自己去申请还来得及吗？"],
                        today=date(2023, 3, 1))
    first_line = reply.answer.splitlines()[0]
    assert "已于2023年1月15日届满（已过）" in first_line and "12333" in first_line


def test_arbitration_for_unpaid_wages_assumes_still_employed_and_asks_to_confirm(writable_indexed_home):
    first, second = converse(["公司拖欠我工资，申请劳动仲裁有时效吗？", "我已经离职了，2023年6月30日走的"],
                             today=date(2024, 1, 10))
    assert first.status == "calculated" and "不受一年仲裁时效期间的限制" in first.answer
    assert "还在这家单位工作" in first.follow_up      # the assumed fact is said and asked about
    assert second.calculator["result"]["deadline"] == "2024-06-30"
    assert "2024年6月30日" in second.answer


def test_an_impossible_date_is_named_and_asked_again(writable_indexed_home):
    first, second = converse(["我2023年2月30日被公司辞退，劳动仲裁最晚什么时候申请？", "2023年2月28日"],
                             today=date(2023, 9, 1))
    assert first.status == "needs_more_info" and "2023年2月30日" in first.answer
    assert second.calculator["result"]["deadline"] == "2024-02-28"


def test_a_wage_the_calculator_refuses_is_asked_again(writable_indexed_home):
    first, second = converse(["干了3年被裁员，月薪0元，经济补偿多少？", "月薪6000"])
    assert first.status == "needs_more_info" and "月工资" in first.answer and first.calculator is None
    assert second.calculator["result"]["amount_yuan"] == 18000


def test_nothing_owed_means_no_question_about_the_wage(writable_indexed_home):
    (reply,) = converse(["我在公司工作了5年，主动辞职，有经济补偿吗？"])
    assert reply.calculator["result"]["owed"] is False and "无须支付经济补偿" in reply.answer
    assert not reply.follow_up
