"""The customer-service sender against a local fake of the WeChat API: the token is fetched
once and cached, fetched again when it expires or WeChat calls it invalid, sends are retried
on limits and busy replies, and what cannot be delivered becomes a dead letter."""
from __future__ import annotations

import time

import pytest

from api.wechat import session_for
from api.wechat_send import WeChatApiSender
from tests.api.fake_wechat_api import FakeWeChatApi
from tests.api.test_wechat_callback import WECHAT_ENV, post_plain, text_xml

APPID, SECRET = WECHAT_ENV["POLICYDESK_WECHAT_APPID"], "s3cret-app-secret"
ANSWER = "特困人员每人可领1500元爱心消费券。"


@pytest.fixture
def api():
    fake = FakeWeChatApi(APPID, SECRET).start()
    yield fake
    fake.stop()


class Clock:
    def __init__(self):
        self.now = 1_700_000_000.0
        self.slept: list[float] = []

    def __call__(self):
        return self.now

    def sleep(self, s):
        self.slept.append(s)


@pytest.fixture
def clock():
    return Clock()


def sender_for(api, clock, store, attempts=3):
    return WeChatApiSender(APPID, SECRET, api_base=api.url, attempts=attempts, clock=clock, sleep=clock.sleep,
                           dead_letter=store.add_dead_letter)


def test_token_is_fetched_once_and_reused_until_it_expires(api, clock, store):
    sender = sender_for(api, clock, store)
    assert sender.send_text("oUser1", ANSWER) and sender.send_text("oUser1", "第二条")
    assert len(api.token_requests) == 1
    assert [s["token"] for s in api.sends] == ["TOKEN-1", "TOKEN-1"]
    assert api.token_requests[0] == {"grant_type": "client_credential", "appid": APPID, "secret": SECRET,
                                     "force_refresh": False}
    clock.now += 7200  # past expires_in (minus the safety margin): fetched again before sending
    api.expire_all_tokens()
    assert sender.send_text("oUser1", "第三条")
    assert len(api.token_requests) == 2 and api.sends[-1]["token"] == "TOKEN-2"
    assert api.delivered[0] == {"touser": "oUser1", "msgtype": "text", "text": {"content": ANSWER}}
    assert store.list_dead_letters() == []


@pytest.mark.parametrize("revoked_as", ["expired", "invalid"])
def test_a_token_wechat_rejects_is_replaced_and_the_message_resent(api, clock, store, revoked_as):
    sender = sender_for(api, clock, store)
    assert sender.send_text("oUser1", "预热")
    api.expire_all_tokens()           # revoked early (e.g. refreshed elsewhere): 42001
    if revoked_as == "invalid":
        sender._token = "FORGED"      # a token WeChat never issued: 40001
    assert sender.send_text("oUser1", ANSWER)
    codes = [s["token"] for s in api.sends]
    assert codes[-1] == "TOKEN-2" and len(api.token_requests) == 2
    assert api.delivered[-1]["text"]["content"] == ANSWER
    assert store.list_dead_letters() == []


@pytest.mark.parametrize("script", [[45009, 45009], [45011], [-1, -1], ["http502", 45011]])
def test_limits_and_busy_replies_are_retried_with_growing_waits(api, clock, store, script):
    api.send_script.extend(script)
    sender = sender_for(api, clock, store)
    assert sender.send_text("oUser1", ANSWER)
    assert len(api.sends) == len(script) + 1 and len(api.delivered) == 1
    assert clock.slept == [0.5, 1.0][:len(script)]
    assert store.list_dead_letters() == []


def test_reply_window_passed_is_not_retried_and_becomes_a_dead_letter(api, clock, store):
    api.send_script.append(45015)
    sender = sender_for(api, clock, store)
    text = "您的问题：电话13812345678的答复……" + ANSWER
    assert sender.send_text("oUser1", text, msg_id="777") is False
    assert len(api.sends) == 1 and clock.slept == []
    [letter] = store.list_dead_letters()
    assert letter["errcode"] == 45015 and letter["attempts"] == 1 and letter["msg_id"] == "777"
    assert letter["openid_hash"] == session_for("oUser1") and "oUser1" not in str(letter)
    assert "13812345678" not in letter["text"] and "1500" in letter["text"]


def test_a_limit_that_does_not_pass_ends_as_a_dead_letter_after_the_attempts(api, clock, store):
    api.send_script.extend([45009] * 5)
    sender = sender_for(api, clock, store, attempts=3)
    assert sender.send_text("oUser1", ANSWER) is False
    assert len(api.sends) == 3
    [letter] = store.list_dead_letters()
    assert letter["errcode"] == 45009 and letter["attempts"] == 3


def test_unreachable_api_is_a_dead_letter_not_an_exception(clock, store):
    sender = WeChatApiSender(APPID, SECRET, api_base="http://127.0.0.1:9", attempts=2, clock=clock,
                             sleep=clock.sleep, dead_letter=store.add_dead_letter, timeout_s=0.5)
    assert sender.send_text("oUser1", ANSWER) is False
    [letter] = store.list_dead_letters()
    assert letter["errcode"] is None and "network" in letter["reason"]


def test_a_wrong_app_secret_is_a_dead_letter_naming_the_token_refusal(api, clock, store):
    sender = WeChatApiSender(APPID, "wrong", api_base=api.url, clock=clock, sleep=clock.sleep,
                             dead_letter=store.add_dead_letter)
    assert sender.send_text("oUser1", ANSWER) is False
    assert api.sends == [] and store.list_dead_letters()[0]["errcode"] == 40013


# -- end to end: a slow answer reaches the citizen through the callback and the API --------------
def test_slow_answer_is_delivered_by_the_customer_service_api(make_client, fake, api):
    wx = make_client(POLICYDESK_WECHAT_REPLY_TIMEOUT="0.3", POLICYDESK_WECHAT_SECRET=SECRET,
                     POLICYDESK_WECHAT_API_BASE=api.url, **WECHAT_ENV)
    fake.delay = 1.0
    r = post_plain(wx, text_xml(msg_id="880001", openid="oSlowUser"))
    assert r.status_code == 200 and r.text == "success"
    deadline = time.monotonic() + 10
    while not api.delivered and time.monotonic() < deadline:
        time.sleep(0.05)
    [sent] = api.delivered
    assert sent["touser"] == "oSlowUser" and "1500" in sent["text"]["content"]
    assert "《爱心消费券》" in sent["text"]["content"]
    retry = post_plain(wx, text_xml(msg_id="880001", openid="oSlowUser"))
    assert retry.text == "success" and len(api.delivered) == 1


def test_without_an_app_secret_a_late_answer_is_recorded_as_undelivered(make_client, fake, store):
    wx = make_client(POLICYDESK_WECHAT_REPLY_TIMEOUT="0.2", **WECHAT_ENV)
    fake.delay = 0.6
    assert post_plain(wx, text_xml(msg_id="880002", openid="oNoSecret")).text == "success"
    deadline = time.monotonic() + 10
    while not store.list_dead_letters() and time.monotonic() < deadline:
        time.sleep(0.05)
    [letter] = store.list_dead_letters()
    assert "POLICYDESK_WECHAT_SECRET" in letter["reason"] and letter["openid_hash"] == session_for("oNoSecret")
    assert "1500" in letter["text"]

