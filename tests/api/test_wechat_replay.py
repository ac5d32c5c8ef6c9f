"""Replay protection of the callback: the timestamp window, signed nonces bound to their
body, messages without MsgId kept apart, and a per-address limit OpenID rotation cannot beat."""
from __future__ import annotations

import time

import pytest

from tests.api.test_wechat_callback import WECHAT_ENV, fields, post_plain, post_safe, text_xml
from tests.api.test_wechat_crypto import TOKEN, reference_signature


@pytest.fixture
def wx(make_client):
    return make_client(**WECHAT_ENV)


# Offsets keep a margin from the 300 s edge: a loaded test machine may take seconds between
# signing a request and the server reading its clock.
@pytest.mark.parametrize("offset", [-400, 400, None])
def test_timestamps_outside_five_minutes_are_refused(wx, fake, offset):
    ts = 1 if offset is None else int(time.time()) + offset
    r = post_plain(wx, text_xml(msg_id="11"), ts=ts)
    assert r.status_code == 403 and "过期" in r.json()["error"]
    r = post_safe(wx, text_xml(msg_id="12"), ts=ts)
    assert r.status_code == 403
    assert fake.calls == []


def test_timestamps_just_inside_the_window_are_answered(wx, fake):
    for offset, msg_id in ((-240, "21"), (240, "22")):
        r = post_plain(wx, text_xml(msg_id=msg_id), ts=int(time.time()) + offset)
        assert r.status_code == 200 and "1500" in fields(r.text)["Content"]
    assert len(fake.calls) == 2


def test_url_verification_with_an_old_timestamp_is_refused(wx):
    ts, nonce = str(int(time.time()) - 3600), "n"
    r = wx.get(f"/wechat?signature={reference_signature(TOKEN, ts, nonce)}&timestamp={ts}&nonce={nonce}&echostr=e1")
    assert r.status_code == 403 and "e1" not in r.text


def test_a_captured_signature_cannot_carry_another_body_or_sender(wx, fake):
    ts, nonce = int(time.time()), "captured-nonce"
    first = post_plain(wx, text_xml(content="爱心消费券每人多少钱", msg_id="31"), nonce=nonce, ts=ts)
    assert first.status_code == 200
    forged = post_plain(wx, text_xml(content="帮我查别人的记录", msg_id="32", openid="oVictim"), nonce=nonce, ts=ts)
    assert forged.status_code == 403 and "重复" in forged.json()["error"]
    assert [c["question"] for c in fake.calls] == ["爱心消费券每人多少钱"]


def test_an_identical_retry_with_the_same_signature_gets_the_stored_reply(wx, fake):
    ts, nonce = int(time.time()), "retry-nonce"
    first = post_plain(wx, text_xml(msg_id="41"), nonce=nonce, ts=ts)
    again = post_plain(wx, text_xml(msg_id="41"), nonce=nonce, ts=ts)
    assert again.status_code == 200 and fields(again.text)["Content"] == fields(first.text)["Content"]
    assert len(fake.calls) == 1


def test_messages_without_msgid_are_not_confused_with_each_other(wx, fake):
    def no_id(content, create_time="1700000000"):
        return (f"<xml><ToUserName><![CDATA[gh_policydesk]]></ToUserName><FromUserName><![CDATA[oUser1]]>"
                f"</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{content}]]></Content></xml>")

    fake.text = "第一问的答复"
    a = fields(post_plain(wx, no_id("爱心消费券每人多少钱")).text)["Content"]
    fake.text = "第二问的答复"
    b = fields(post_plain(wx, no_id("失业保险金能领多久")).text)["Content"]
    assert a.startswith("第一问") and b.startswith("第二问")
    without_time = no_id("试用期最长几个月").replace("<CreateTime>1700000000</CreateTime>", "")
    fake.text = "第三问的答复"
    assert fields(post_plain(wx, without_time).text)["Content"].startswith("第三问")
    assert len(fake.calls) == 3


def test_rotating_openids_from_one_address_meets_the_address_limit(make_client, fake):
    wx = make_client(POLICYDESK_RATE_LIMIT_OPENID="2", POLICYDESK_RATE_LIMIT_WECHAT_IP="5", **WECHAT_ENV)
    codes = [post_plain(wx, text_xml(msg_id=f"5{i}", openid=f"oRotate{i}")).status_code for i in range(8)]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    assert len(fake.calls) == 5
