"""Scripted conversations: a follow-up question for a missing slot, filled from the next
message; an unrelated question starts afresh; state survives a new assistant (worker)."""
import uuid
from datetime import date

from assistant.service import get_assistant, reset_assistant


def converse(turns, today=date(2023, 3, 1)):
    session = uuid.uuid4().hex
    replies = []
    for text in turns:
        replies.append(get_assistant().ask(text, session_id=session, today=today, log=False))
    return replies


def test_missing_maturity_is_asked_then_filled(writable_indexed_home):
    first, second = converse(["受疫情影响周转困难，我的创业担保贷款能展期到哪天？", "5月20号到期"])
    assert first.status == "needs_more_info" and "到期" in first.follow_up
    assert second.status == "calculated"
    assert second.calculator["name"] == "loan-deferral"
    assert "2024年5月20日" in second.answer


def test_assumed_condition_is_confirmed_and_a_no_changes_the_result(writable_indexed_home):
    first, second = converse(["我交了6年失业保险，能领多久失业金？", "不是，我是主动辞职的"])
    assert first.status == "calculated" and "18个月" in first.answer and first.follow_up
    assert second.calculator["name"] == "unemployment"
    assert second.calculator["result"]["eligible"] is False


def test_unrelated_question_starts_afresh(writable_indexed_home):
    first, second = converse(["试用期最长多久？", "爱心消费券每人多少钱"])
    assert first.status == "needs_more_info"
    assert second.status == "answered" and "1500" in second.answer
    assert second.calculator is None


def test_a_bad_date_is_named_and_asked_again(writable_indexed_home):
    first, second = converse(["疫情影响还不上，贷款2023年2月30日到期，能展期到哪天", "2023年2月28日"])
    assert first.status == "needs_more_info" and "2023年2月30日" in first.answer
    assert second.status == "calculated" and "2024年2月28日" in second.answer


def test_another_worker_continues_the_conversation(writable_indexed_home):
    session = uuid.uuid4().hex
    get_assistant().ask("劳动合同签了多久试用期最长能约定多久？", session_id=session, today=date(2023, 3, 1), log=False)
    reset_assistant()  # a different process would build its own assistant from the database
    reply = get_assistant().ask("两年", session_id=session, today=date(2023, 3, 1), log=False)
    assert reply.calculator and reply.calculator["result"]["max_probation_months"] == 2


def test_short_unrelated_question_after_a_follow_up_is_not_taken_as_the_answer(writable_indexed_home):
    first, second = converse(["创业担保贷款可以展期多久", "火车票怎么退"])
    assert first.status == "needs_more_info"
    assert second.declined and second.follow_up is None


def test_a_follow_up_that_changes_one_fact_continues_the_topic(writable_indexed_home):
    first, second, third = converse(["劳动合同签了2年，试用期最长多久？", "那签三年的呢？", "换成两个月呢？"])
    assert first.calculator["result"]["max_probation_months"] == 2
    assert second.calculator["name"] == "probation" and second.calculator["result"]["max_probation_months"] == 6
    assert "6个月" in second.answer.splitlines()[0]
    assert third.calculator["result"]["max_probation_months"] == 0


def test_a_new_topic_starts_fresh_and_restart_forgets(writable_indexed_home):
    first, second, third, fourth = converse(["劳动合同签了2年，试用期最长多久？", "爱心消费券每人多少钱",
                                             "重新开始", "那签三年的呢？"], today=date(2023, 1, 10))
    assert second.calculator is None or second.calculator["name"] != "probation"
    assert "1500" in second.answer
    assert third.status == "chitchat" and "重新开始" in third.answer
    assert fourth.calculator is None   # nothing left to continue


def test_an_elliptical_question_is_read_with_the_one_before(writable_indexed_home):
    first, second = converse(["我是特困供养人员，这次爱心消费券发多少？", "什么时候之前发完？"], today=date(2023, 1, 15))
    assert "1500" in first.answer
    assert not second.declined and ("2月28日" in second.answer or "2月底" in second.answer)
