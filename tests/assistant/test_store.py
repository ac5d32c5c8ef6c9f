"""The database: what staff and other workers read back, with personal numbers masked."""
import pytest

from assistant.store import Store
from policydesk.errors import InputError


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    yield s
    s.dispose()


def record(id_, question, status="answered", declined=False):
    return {"id": id_, "question": question, "status": status, "declined": declined, "answer": "…",
            "session_id": "s1"}


def test_worklist_has_declined_and_thumbs_down_with_the_comment(store):
    store.log_answer(record("a1", "火车票怎么退", "declined", True))
    store.log_answer(record("a2", "消费券多少钱"))
    store.log_answer(record("a3", "试用期多久"))
    store.add_feedback("a2", -1)
    store.add_feedback("a2", -1, "没说清楚怎么领")
    store.add_feedback("a3", 1)
    rows = {r["id"]: r for r in store.worklist()}
    assert set(rows) == {"a1", "a2"}
    assert rows["a2"]["comment"] == "没说清楚怎么领" and rows["a2"]["thumbs_down"]


def test_personal_numbers_are_masked_in_everything_stored(store):
    store.log_answer(record("a1", "我的手机13912345678，卡号6222021234567890123"))
    store.add_feedback("a1", -1, "身份证140105199003071234")
    dump = str(store.get_conversation("a1")) + str(store.list_feedback())
    for raw in ("13912345678", "6222021234567890123", "140105199003071234"):
        assert raw not in dump


def test_approved_answers_save_edit_retire_and_survive_reopening(store, tmp_path):
    faq_id = store.faq_save("消费券多少钱", "每人1500元", [{"doc_id": "love-vouchers-2022", "quote": "每人1500元"}])
    store.faq_save("消费券每人多少钱", "每人1500元。", faq_id=faq_id)
    reopened = Store(store.url)
    assert [f["question"] for f in reopened.faq_list()] == ["消费券每人多少钱"]
    reopened.faq_retire(faq_id)
    assert reopened.faq_list() == [] and len(reopened.faq_list(include_retired=True)) == 1
    reopened.dispose()


@pytest.mark.parametrize("kwargs,field", [({"question": "", "answer": "x"}, "question"),
                                          ({"question": "q", "answer": " "}, "answer")])
def test_incomplete_approved_answer_is_refused_with_the_field(store, kwargs, field):
    with pytest.raises(InputError) as err:
        store.faq_save(**kwargs)
    assert err.value.field == field


def test_feedback_rating_must_be_up_or_down(store):
    with pytest.raises(InputError):
        store.add_feedback("a1", 5)


def test_dialog_state_and_message_claims_are_shared(store):
    other = Store(store.url)  # another worker on the same database
    store.dialog_put("s1", {"pending": {"calculator": "voucher"}})
    assert other.dialog_get("s1")["pending"]["calculator"] == "voucher"
    assert store.claim_message("m1") is True and other.claim_message("m1") is False
    store.set_message_reply("m1", "答复")
    assert other.get_message_reply("m1") == "答复"
    assert [store.rate_hit("ip:1", 60, now=120.0), other.rate_hit("ip:1", 60, now=121.0)] == [1, 2]
    assert store.rate_hit("ip:1", 60, now=181.0) == 1  # next window
    other.dispose()
