"""Safe-mode message crypto, checked against a straightforward reference written here from
the protocol description (not from api/wechat.py)."""
from __future__ import annotations

import base64
import hashlib
import os

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from api.wechat import WeChatCrypto, WeChatError, parse_xml, sha1_signature, text_reply_xml

AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")   # 43 characters
APPID = "wx1234567890abcdef"
TOKEN = "policydesk-token"


def reference_encrypt(key43: str, appid: str, text: str, random16: bytes) -> str:
    key = base64.b64decode(key43 + "=")
    msg = text.encode("utf-8")
    body = random16 + len(msg).to_bytes(4, "big") + msg + appid.encode()
    pad = 32 - len(body) % 32
    body += bytes([pad]) * pad
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(body) + enc.finalize()).decode()


def reference_decrypt_raw(key43: str, encrypted: str) -> bytes:
    key = base64.b64decode(key43 + "=")
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    return dec.update(base64.b64decode(encrypted)) + dec.finalize()


def reference_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


@pytest.mark.parametrize("text", ["", "a", "爱心消费券每人多少钱？", "<xml>" + "政策" * 300 + "</xml>", "x" * 11])
def test_encryption_matches_the_reference_byte_for_byte(text):
    random16 = os.urandom(16)
    ours = WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt(text, random16=random16)
    assert ours == reference_encrypt(AES_KEY, APPID, text, random16)


@pytest.mark.parametrize("text", ["", "短", "爱心消费券" * 50, "x" * 12])
def test_plaintext_layout_is_random_length_message_appid_padded_to_32(text):
    random16 = b"R" * 16
    raw = reference_decrypt_raw(AES_KEY, WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt(text, random16=random16))
    msg = text.encode()
    assert len(raw) % 32 == 0
    pad = raw[-1]
    assert 1 <= pad <= 32 and raw[-pad:] == bytes([pad]) * pad
    body = raw[:-pad]
    assert body[:16] == random16
    assert int.from_bytes(body[16:20], "big") == len(msg)
    assert body[20:20 + len(msg)] == msg
    assert body[20 + len(msg):] == APPID.encode()


def test_decrypt_reads_reference_ciphertext_and_refuses_other_apps():
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    encrypted = reference_encrypt(AES_KEY, APPID, "<xml><Content>你好</Content></xml>", os.urandom(16))
    assert crypto.decrypt(encrypted) == "<xml><Content>你好</Content></xml>"
    other = reference_encrypt(AES_KEY, "wxSOMEONEELSE", "hi", os.urandom(16))
    with pytest.raises(WeChatError):
        crypto.decrypt(other)
    for junk in ["", "not base64!!", base64.b64encode(b"short").decode(), base64.b64encode(os.urandom(48)).decode()]:
        with pytest.raises(WeChatError):
            crypto.decrypt(junk)


def test_a_block_aligned_message_gets_a_full_block_of_padding():
    # 16 + 4 + 12 + len(appid)=18 → 50 bytes; pick a message that makes the body 64 bytes.
    text = "x" * (64 - 16 - 4 - len(APPID))
    raw = reference_decrypt_raw(AES_KEY, WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt(text))
    assert len(raw) == 96 and raw[-32:] == bytes([32]) * 32


def test_bad_encoding_aes_key_is_refused():
    for key in ["short", AES_KEY + "A", "!" * 43]:
        with pytest.raises(ValueError):
            WeChatCrypto(TOKEN, key, APPID)


def test_signature_is_sha1_of_the_sorted_parts():
    assert sha1_signature(TOKEN, "1700000000", "nonce", "ENC") == reference_signature(TOKEN, "1700000000", "nonce", "ENC")
    assert sha1_signature("b", "a") == hashlib.sha1(b"ab").hexdigest()


def test_reply_xml_escapes_cdata_terminators_and_round_trips():
    content = "答复]]><evil/>《爱心消费券》"
    fields = parse_xml(text_reply_xml("openid-1", "gh_account", content, 1700000000).encode())
    assert fields == {"ToUserName": "openid-1", "FromUserName": "gh_account", "CreateTime": "1700000000",
                      "MsgType": "text", "Content": content}
