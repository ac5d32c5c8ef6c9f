"""The official-account callback as WeChat's servers call it: verification, plain and safe
mode, signatures, retries, slow answers, non-text messages, hostile XML."""
from __future__ import annotations

import base64
import os
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from api.wechat import CustomerServiceSender
from tests.api.test_wechat_crypto import (AES_KEY, APPID, TOKEN, reference_decrypt_raw, reference_encrypt,
                                          reference_signature)

WECHAT_ENV = {"POLICYDESK_WECHAT_TOKEN": TOKEN, "POLICYDESK_WECHAT_AES_KEY": AES_KEY,
              "POLICYDESK_WECHAT_APPID": APPID}


class FakeSender(CustomerServiceSender):
    def __init__(self):
        self.sent: list[tuple[str, str]] = []
        self.event = threading.Event()

    def send_text(self, openid, text, msg_id=None):
        self.sent.append((openid, text))
        self.event.set()


def text_xml(content="爱心消费券每人多少钱", msg_id="1001", openid="oUser1", kind="text", extra=""):
    return (f"<xml><ToUserName><![CDATA[gh_policydesk]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>1700000000</CreateTime>"
            f"<MsgType><![CDATA[{kind}]]></MsgType><Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id}</MsgId>{extra}</xml>")


def post_plain(client, xml, token=TOKEN, nonce=None, ts=None):
    nonce = nonce or os.urandom(6).hex()
    ts = str(int(time.time())) if ts is None else str(ts)
    sig = reference_signature(token, ts, nonce)
    body = xml.encode("utf-8") if isinstance(xml, str) else xml
    return client.post(f"/wechat?signature={sig}&timestamp={ts}&nonce={nonce}&openid=oUser1", content=body,
                       headers={"content-type": "text/xml"})


def post_safe(client, inner_xml, token=TOKEN, nonce=None, appid=APPID, tamper_sig=False, ts=None):
    nonce = nonce or os.urandom(6).hex()
    ts = str(int(time.time())) if ts is None else str(ts)
    encrypted = reference_encrypt(AES_KEY, appid, inner_xml, os.urandom(16))
    msg_sig = reference_signature(token, ts, nonce, encrypted)
    if tamper_sig:
        msg_sig = reference_signature(token, ts, nonce, encrypted + "x")
    sig = reference_signature(token, ts, nonce)
    envelope = f"<xml><ToUserName><![CDATA[gh_policydesk]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return client.post(f"/wechat?signature={sig}&timestamp={ts}&nonce={nonce}&openid=oUser1"
                       f"&encrypt_type=aes&msg_signature={msg_sig}", content=envelope.encode())


def fields(xml_text: str) -> dict:
    return {c.tag: (c.text or "") for c in ET.fromstring(xml_text)}


def open_envelope(xml_text: str) -> dict:
    outer = fields(xml_text)
    assert outer["MsgSignature"] == reference_signature(TOKEN, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
    raw = reference_decrypt_raw(AES_KEY, outer["Encrypt"])
    raw = raw[:-raw[-1]]
    length = int.from_bytes(raw[16:20], "big")
    assert raw[20 + length:] == APPID.encode()
    return fields(raw[20:20 + length].decode("utf-8"))


@pytest.fixture
def wx(make_client):
    return make_client(**WECHAT_ENV)


# -- URL verification ----------------------------------------------------------------------------
def test_get_verification_echoes_only_with_a_good_signature(wx):
    ts, nonce = str(int(time.time())), "abc"
    sig = reference_signature(TOKEN, ts, nonce)
    r = wx.get(f"/wechat?signature={sig}&timestamp={ts}&nonce={nonce}&echostr=hello123")
    assert r.status_code == 200 and r.text == "hello123"
    r = wx.get(f"/wechat?signature={sig}&timestamp={int(ts) + 1}&nonce={nonce}&echostr=hello123")
    assert r.status_code == 403 and "hello123" not in r.text
    assert wx.get("/wechat?echostr=x").status_code == 403


def test_callback_without_configuration_is_503(client):
    r = client.get("/wechat?signature=x&timestamp=1&nonce=2&echostr=3")
    assert r.status_code == 503 and "配置" in r.json()["error"]


# -- plain and safe mode ---------------------------------------------------------------------
def test_plain_text_message_gets_a_passive_reply_with_short_citations(wx, fake):
    r = post_plain(wx, text_xml())
    assert r.status_code == 200, r.text
    reply = fields(r.text)
    assert reply["ToUserName"] == "oUser1" and reply["FromUserName"] == "gh_policydesk"
    assert reply["MsgType"] == "text"
    assert "1500" in reply["Content"]
    assert "《爱心消费券》（山西日报，2022-12-30）" in reply["Content"]
    call = fake.calls[0]
    assert call["channel"] == "wechat" and call["question"] == "爱心消费券每人多少钱"
    assert "oUser1" not in call["session_id"]  # the OpenID itself is not stored


def test_safe_mode_message_is_decrypted_and_the_reply_encrypted(wx, fake):
    r = post_safe(wx, text_xml(msg_id="2001"))
    assert r.status_code == 200, r.text
    assert "1500" not in r.text  # nothing readable on the wire
    reply = open_envelope(r.text)
    assert reply["ToUserName"] == "oUser1" and "1500" in reply["Content"]
    assert fake.calls[0]["channel"] == "wechat"


def test_same_user_keeps_one_session_across_messages(wx, fake):
    post_plain(wx, text_xml(msg_id="3001"))
    post_safe(wx, text_xml(content="那低保户呢", msg_id="3002"))
    post_plain(wx, text_xml(msg_id="3003", openid="oOther"))
    sessions = [c["session_id"] for c in fake.calls]
    assert sessions[0] == sessions[1] != sessions[2]


@pytest.mark.parametrize("mode", ["plain-bad-signature", "plain-wrong-token", "safe-bad-msg-signature",
                                  "plain-missing-signature"])
def test_bad_signatures_are_403_and_nothing_is_asked(wx, fake, mode):
    if mode == "plain-bad-signature":
        r = wx.post("/wechat?signature=deadbeef&timestamp=1&nonce=2", content=text_xml().encode())
    elif mode == "plain-wrong-token":
        r = post_plain(wx, text_xml(), token="someone-else")
    elif mode == "safe-bad-msg-signature":
        r = post_safe(wx, text_xml(), tamper_sig=True)
    else:
        r = wx.post("/wechat?timestamp=1&nonce=2", content=text_xml().encode())
    assert r.status_code == 403
    assert fake.calls == []


def test_safe_mode_message_for_another_app_is_refused(wx, fake):
    r = post_safe(wx, text_xml(), appid="wxANOTHERAPP00000")
    assert r.status_code == 400 and fake.calls == []


# -- retries and slow answers ------------------------------------------------------------------
def test_a_replayed_msgid_gets_the_stored_reply_without_asking_again(wx, fake):
    first = post_plain(wx, text_xml(msg_id="4001"))
    again = post_plain(wx, text_xml(msg_id="4001"))
    assert fields(again.text)["Content"] == fields(first.text)["Content"]
    assert len(fake.calls) == 1


def test_a_retry_while_the_first_is_in_progress_waits_for_it(wx, fake):
    fake.delay = 0.6
    results = {}
    t = threading.Thread(target=lambda: results.setdefault("first", post_plain(wx, text_xml(msg_id="5001"))))
    t.start()
    time.sleep(0.15)
    retry = post_plain(wx, text_xml(msg_id="5001"))
    t.join()
    assert len(fake.calls) == 1
    assert fields(retry.text)["Content"] == fields(results["first"].text)["Content"]


def test_slow_answer_replies_success_then_goes_through_the_sender(make_client, fake):
    sender = FakeSender()
    wx = make_client(sender=sender, POLICYDESK_WECHAT_REPLY_TIMEOUT="0.3", **WECHAT_ENV)
    fake.delay = 1.0
    started = time.monotonic()
    r = post_plain(wx, text_xml(msg_id="6001"))
    assert time.monotonic() - started < 0.9
    assert r.status_code == 200 and r.text == "success"
    assert sender.event.wait(5)
    openid, text = sender.sent[0]
    assert openid == "oUser1" and "1500" in text and "《爱心消费券》" in text
    # WeChat's retry after we said "success" must not deliver the answer a second time.
    retry = post_plain(wx, text_xml(msg_id="6001"))
    assert retry.text == "success" and len(sender.sent) == 1 and len(fake.calls) == 1


def test_long_answers_are_cut_under_wechats_limit_but_keep_sources(wx, fake):
    fake.text = "根据政策规定，" + "特困人员每人可领1500元爱心消费券。" * 300
    reply = fields(post_plain(wx, text_xml(msg_id="7001")).text)["Content"]
    assert len(reply.encode("utf-8")) <= 2048
    assert reply.startswith("根据政策规定") and "《爱心消费券》（山西日报，2022-12-30）" in reply


# -- message kinds -----------------------------------------------------------------------------
def test_subscribe_gets_a_welcome_and_other_kinds_a_hint(wx, fake):
    subscribe = ("<xml><ToUserName><![CDATA[gh_policydesk]]></ToUserName><FromUserName><![CDATA[oNew]]>"
                 "</FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                 "<Event><![CDATA[subscribe]]></Event></xml>")
    welcome = fields(post_plain(wx, subscribe).text)["Content"]
    assert "欢迎" in welcome and "12333" in welcome
    for i, kind in enumerate(["image", "voice", "video", "location", "link"]):
        hint = fields(post_plain(wx, text_xml(kind=kind, msg_id=f"80{i}")).text)["Content"]
        assert "文字" in hint
    unsubscribe = subscribe.replace("subscribe", "unsubscribe")
    assert post_plain(wx, unsubscribe).text == "success"
    assert fake.calls == []


def test_empty_and_overlong_text_get_a_chinese_hint_without_asking(wx, fake):
    assert "文字" in fields(post_plain(wx, text_xml(content="   ", msg_id="9001")).text)["Content"]
    long_reply = fields(post_plain(wx, text_xml(content="问" * 600, msg_id="9002")).text)["Content"]
    assert "500" in long_reply
    assert fake.calls == []


def test_rate_limit_per_openid(make_client, fake):
    wx = make_client(POLICYDESK_RATE_LIMIT_OPENID="2", **WECHAT_ENV)
    replies = [fields(post_plain(wx, text_xml(msg_id=f"10{i}")).text)["Content"] for i in range(3)]
    assert "1500" in replies[0] and "1500" in replies[1]
    assert "频繁" in replies[2]
    other = fields(post_plain(wx, text_xml(msg_id="1099", openid="oOther")).text)["Content"]
    assert "1500" in other
    assert len(fake.calls) == 3


# -- hostile input -----------------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xml><ToUserName>gh</ToUserName><FromUserName>oUser1</FromUserName><MsgType>text</MsgType>
<Content>&lol4;</Content><MsgId>666</MsgId></xml>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oUser1</FromUserName><MsgType>text</MsgType>
<Content>&xxe;</Content><MsgId>667</MsgId></xml>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY, "<xml><Content>unclosed", "not xml",
                                     "<other><MsgType>text</MsgType></other>"])
def test_malicious_or_malformed_xml_is_refused(wx, fake, payload):
    r = post_plain(wx, payload)
    assert r.status_code == 400 and "root:" not in r.text
    assert "格式" in r.json()["error"]
    assert fake.calls == []


def test_malicious_xml_inside_the_encrypted_envelope_is_refused(wx, fake):
    r = post_safe(wx, EXTERNAL_ENTITY)
    assert r.status_code == 400 and fake.calls == []


def test_oversize_body_is_413(wx, fake):
    r = post_plain(wx, text_xml(content="长" * 20000))
    assert r.status_code == 413 and fake.calls == []


def test_encrypt_field_that_is_not_base64_is_refused(wx, fake):
    ts, nonce, bogus = str(int(time.time())), "n", base64.b64encode(b"x" * 15).decode() + "!"
    url = (f"/wechat?signature={reference_signature(TOKEN, ts, nonce)}&timestamp={ts}&nonce={nonce}"
           f"&encrypt_type=aes&msg_signature={reference_signature(TOKEN, ts, nonce, bogus)}")
    r = wx.post(url, content=f"<xml><Encrypt><![CDATA[{bogus}]]></Encrypt></xml>".encode())
    assert r.status_code == 400 and fake.calls == []


def test_real_assistant_answers_a_safe_mode_message(writable_indexed_home, monkeypatch):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.service import get_assistant
    from policydesk.settings import get_settings

    for name, value in WECHAT_ENV.items():
        monkeypatch.setenv(name, value)
    with TestClient(create_app(get_settings(), get_assistant=get_assistant, warm_up=False)) as wx:
        r = post_safe(wx, text_xml(content="爱心消费券每人多少钱", msg_id="424242"))
        assert r.status_code == 200
        content = open_envelope(r.text)["Content"]
    assert "1500" in content and "依据：《" in content and "（山西日报，2022-12-30）" in content
    assert len(content.encode("utf-8")) <= 2048
    row = get_assistant().store.list_conversations(limit=1)[0]
    assert row["channel"] == "wechat"
