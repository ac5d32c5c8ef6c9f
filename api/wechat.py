"""The WeChat official-account callback: signatures, message crypto (safe mode), safe XML
parsing, passive replies, and the handler that answers a citizen's text message.

Protocol (公众号消息加解密):
- URL verification (GET): ``signature = sha1(sorted([token, timestamp, nonce]))``; echo ``echostr``.
- Plain mode (POST): same ``signature``; body is the message XML.
- Safe mode (``encrypt_type=aes``): body ``<xml><Encrypt>…</Encrypt></xml>`` with
  ``msg_signature = sha1(sorted([token, timestamp, nonce, Encrypt]))``. ``Encrypt`` is
  base64(AES-256-CBC(key, iv=key[:16], PKCS#7 to 32 bytes of
  random16 + len(msg) as 4 bytes big-endian + msg + appid)), key = base64(EncodingAESKey + "=").
- A passive reply must arrive within 5 s; otherwise WeChat retries (same MsgId) up to 3 times.
  We answer within ``wechat_reply_timeout_s``; if the assistant is slower we reply ``success``
  and hand the answer to a customer-service sender when it is ready (api/wechat_send.py).

Replay protection: a request whose ``timestamp`` is more than ``wechat_timestamp_window_s``
(300 s) from our clock is refused, and every signed (timestamp, nonce) pair is remembered
with the body it came with, in the shared database: the same pair with another body is a
replayed signature (plain mode signs no body) and is refused. A text message without MsgId
is de-duplicated by a hash of sender, CreateTime and content, never by the sender alone.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from typing import Callable
from xml.etree.ElementTree import ParseError

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from api import messages as M
from assistant.render import wechat_text
from policydesk.errors import InputError
from policydesk.inputs import bad_character
from policydesk.privacy import hash_id

log = logging.getLogger("policydesk.wechat")

BLOCK = 32                 # WeChat pads to 32 bytes (not AES's 16)


class WeChatError(Exception):
    """A callback request we refuse: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: tuple[str, str]):
        super().__init__(message[1])
        self.status = status
        self.message_zh, self.message_en = message


# -- signatures ------------------------------------------------------------------------------
def sha1_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(str(p) for p in parts)).encode("utf-8")).hexdigest()


def signature_ok(expected_parts: tuple[str, ...], given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(sha1_signature(*expected_parts), given.strip().lower())


# -- crypto ----------------------------------------------------------------------------------
def pkcs7_pad(data: bytes, block: int = BLOCK) -> bytes:
    n = block - len(data) % block
    return data + bytes([n]) * n


def pkcs7_unpad(data: bytes, block: int = BLOCK) -> bytes:
    if not data:
        raise ValueError("empty")
    n = data[-1]
    if n < 1 or n > block or data[-n:] != bytes([n]) * n:
        raise ValueError("bad padding")
    return data[:-n]


class WeChatCrypto:
    """AES-CBC message crypto of the official-account safe mode."""

    def __init__(self, token: str, encoding_aes_key: str, appid: str):
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except (ValueError, TypeError):
            key = b""
        if len(encoding_aes_key) != 43 or len(key) != 32:
            raise ValueError("EncodingAESKey must be 43 base64 characters")
        self.token, self.key, self.iv, self.appid = token, key, key[:16], appid

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.iv))

    def encrypt(self, text: str, random16: bytes | None = None) -> str:
        random16 = random16 if random16 is not None else os.urandom(16)
        if len(random16) != 16:
            raise ValueError("random prefix must be 16 bytes")
        msg = text.encode("utf-8")
        plain = random16 + struct.pack(">I", len(msg)) + msg + self.appid.encode("utf-8")
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(pkcs7_pad(plain)) + enc.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        try:
            raw = base64.b64decode(encrypted, validate=True)
            if not raw or len(raw) % 16:
                raise ValueError("ciphertext length")
            dec = self._cipher().decryptor()
            plain = pkcs7_unpad(dec.update(raw) + dec.finalize())
            (length,) = struct.unpack(">I", plain[16:20])
            msg, appid = plain[20:20 + length], plain[20 + length:]
            if len(msg) != length:
                raise ValueError("length field")
            if appid.decode("utf-8") != self.appid:
                raise ValueError("appid mismatch")
            return msg.decode("utf-8")
        except (ValueError, struct.error, UnicodeDecodeError) as exc:
            raise WeChatError(400, M.WECHAT_DECRYPT_FAILED) from exc


# -- XML -------------------------------------------------------------------------------------
def parse_xml(body: bytes) -> dict[str, str]:
    """The message's top-level fields. DOCTYPE, entities and external references are refused."""
    try:
        root = safe_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise WeChatError(400, M.WECHAT_BAD_XML) from exc
    if root.tag != "xml":
        raise WeChatError(400, M.WECHAT_BAD_XML)
    return {child.tag: (child.text or "").strip() for child in root}


def cdata(text: str) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, content: str, create_time: int | None = None) -> str:
    return ("<xml><ToUserName>" + cdata(to_user) + "</ToUserName><FromUserName>" + cdata(from_user)
            + "</FromUserName><CreateTime>" + str(int(create_time or time.time()))
            + "</CreateTime><MsgType>" + cdata("text") + "</MsgType><Content>" + cdata(content)
            + "</Content></xml>")


def encrypted_envelope(crypto: WeChatCrypto, reply_xml: str, timestamp: str, nonce: str) -> str:
    encrypted = crypto.encrypt(reply_xml)
    sig = sha1_signature(crypto.token, timestamp, nonce, encrypted)
    return ("<xml><Encrypt>" + cdata(encrypted) + "</Encrypt><MsgSignature>" + cdata(sig)
            + "</MsgSignature><TimeStamp>" + str(timestamp) + "</TimeStamp><Nonce>" + cdata(nonce)
            + "</Nonce></xml>")


# -- customer-service sender -----------------------------------------------------------------
class CustomerServiceSender:
    """Delivers an answer that was not ready in time (客服消息 API). The real client is
    api.wechat_send.WeChatApiSender (create_app builds it when POLICYDESK_WECHAT_SECRET is
    set); ``msg_id`` lets a failed delivery be traced."""

    def send_text(self, openid: str, text: str, msg_id: str | None = None) -> None:
        raise NotImplementedError


class UnconfiguredSender(CustomerServiceSender):
    """Without POLICYDESK_WECHAT_SECRET nothing can be sent: each late answer becomes a
    dead letter (for operators to see), and a warning says what to configure."""

    def __init__(self, dead_letter: Callable | None = None):
        self.dead_letter = dead_letter

    def send_text(self, openid: str, text: str, msg_id: str | None = None) -> None:
        log.warning("late wechat answer for %s not sent: POLICYDESK_WECHAT_SECRET is not set", session_for(openid))
        if self.dead_letter is not None:
            self.dead_letter(session_for(openid), text, msg_id=msg_id, errcode=None,
                             reason="sender not configured (POLICYDESK_WECHAT_SECRET)", attempts=0)


def session_for(openid: str) -> str:
    """A stable session id that does not store the OpenID itself."""
    return "wx-" + hashlib.sha256(openid.encode("utf-8")).hexdigest()[:24]


def message_key(msg: dict) -> str:
    """What identifies one message across WeChat's retries: its MsgId, or (events and a
    text without MsgId) a hash of sender, time, kind and content — never the OpenID alone."""
    if msg.get("MsgId"):
        return str(msg["MsgId"])[:64]
    parts = [msg.get(k, "") for k in ("FromUserName", "CreateTime", "MsgType", "Event", "Content")]
    return "h-" + hash_id("\x1f".join(parts))


# -- the handler -----------------------------------------------------------------------------
class WeChatHandler:
    """Answers callback requests. ``get_assistant`` and ``rate_hit`` are injected so the
    handler knows nothing of HTTP frameworks."""

    RETRY_WAIT_S = 1.0

    def __init__(self, settings, get_assistant: Callable, sender: CustomerServiceSender | None = None,
                 rate_hit: Callable[[str, int], int] | None = None, max_threads: int = 8,
                 clock: Callable[[], float] = time.time):
        self.settings = settings
        self.get_assistant = get_assistant
        self.sender = sender or self._default_sender()
        self.rate_hit = rate_hit
        self.clock = clock
        self.executor = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="wechat-ask")
        self._crypto: WeChatCrypto | None = None
        self._lock = threading.Lock()

    # -- configuration ----------------------------------------------------------------------
    @property
    def token(self) -> str:
        if not self.settings.wechat_token:
            raise WeChatError(503, M.WECHAT_NOT_CONFIGURED)
        return self.settings.wechat_token

    def crypto(self) -> WeChatCrypto:
        with self._lock:
            if self._crypto is None:
                s = self.settings
                if not (s.wechat_aes_key and s.wechat_appid):
                    raise WeChatError(503, M.WECHAT_NOT_CONFIGURED)
                try:
                    self._crypto = WeChatCrypto(self.token, s.wechat_aes_key, s.wechat_appid)
                except ValueError as exc:
                    raise WeChatError(503, M.WECHAT_NOT_CONFIGURED) from exc
            return self._crypto

    def _default_sender(self) -> CustomerServiceSender:
        return UnconfiguredSender(lambda *a, **k: self.get_assistant().store.add_dead_letter(*a, **k))

    def check_timestamp(self, params: dict) -> None:
        """Refuse a request signed too long ago or for the future (replay, clock abuse)."""
        raw = str(params.get("timestamp", "")).strip()
        if not raw.isdigit() or len(raw) > 12:
            raise WeChatError(403, M.WECHAT_STALE)
        if abs(int(raw) - self.clock()) > self.settings.wechat_timestamp_window_s:
            raise WeChatError(403, M.WECHAT_STALE)

    def check_nonce(self, params: dict, body: bytes) -> None:
        """A signed (timestamp, nonce) may come again only with the same body (WeChat's own
        retry); with another body it is a replayed signature."""
        key = hashlib.sha256(f"{params.get('timestamp', '')}|{params.get('nonce', '')}".encode()).hexdigest()
        body_hash = hashlib.sha256(body).hexdigest()
        seen = self.get_assistant().store.claim_nonce(key, body_hash, keep_s=2 * self.settings.wechat_timestamp_window_s + 60,
                                                      now=self.clock())
        if seen is not None and seen != body_hash:
            raise WeChatError(403, M.WECHAT_REPLAYED)

    # -- GET: URL verification --------------------------------------------------------------
    def verify(self, params: dict) -> str:
        parts = (self.token, params.get("timestamp", ""), params.get("nonce", ""))
        if not signature_ok(parts, params.get("signature")):
            raise WeChatError(403, M.WECHAT_BAD_SIGNATURE)
        self.check_timestamp(params)
        return params.get("echostr", "")

    # -- POST: a message --------------------------------------------------------------------
    def handle(self, params: dict, body: bytes) -> str:
        """Returns the response body: reply XML (plain or encrypted) or ``success``."""
        started = time.monotonic()
        token = self.token
        timestamp, nonce = params.get("timestamp", ""), params.get("nonce", "")
        safe_mode = (params.get("encrypt_type") or "").lower() == "aes"
        if params.get("signature") or not safe_mode:
            if not signature_ok((token, timestamp, nonce), params.get("signature")):
                raise WeChatError(403, M.WECHAT_BAD_SIGNATURE)
        outer = parse_xml(body)
        if safe_mode:
            encrypted = outer.get("Encrypt", "")
            if not signature_ok((token, timestamp, nonce, encrypted), params.get("msg_signature")):
                raise WeChatError(403, M.WECHAT_BAD_SIGNATURE)
        self.check_timestamp(params)
        self.check_nonce(params, body)
        if safe_mode:
            msg = parse_xml(self.crypto().decrypt(outer.get("Encrypt", "")).encode("utf-8"))
        else:
            msg = outer

        text = self.reply_text(msg, started)
        if text is None:
            return "success"
        reply = text_reply_xml(msg.get("FromUserName", ""), msg.get("ToUserName", ""), text)
        if safe_mode:
            return encrypted_envelope(self.crypto(), reply, str(int(time.time())), os.urandom(8).hex())
        return reply

    def reply_text(self, msg: dict, started: float) -> str | None:
        """The text to reply with, or None for ``success`` (nothing to say now)."""
        kind = (msg.get("MsgType") or "").lower()
        openid = msg.get("FromUserName", "")
        if kind == "event":
            event = (msg.get("Event") or "").lower()
            return M.WECHAT_WELCOME if event == "subscribe" else None
        if kind != "text":
            return M.WECHAT_NON_TEXT
        msg_id = message_key(msg)
        store = self.get_assistant().store
        if not store.claim_message(msg_id):
            return self._retry_reply(store, msg_id)
        question = (msg.get("Content") or "").strip()
        text = self._precheck(openid, question)
        if text is not None:
            store.set_message_reply(msg_id, json.dumps({"via": "passive", "text": text}, ensure_ascii=False))
            return text
        return self._answer(store, msg_id, openid, question, started)

    def _precheck(self, openid: str, question: str) -> str | None:
        if not question:
            return M.WECHAT_NON_TEXT
        if bad_character(question):
            return M.WECHAT_BAD_TEXT
        limit = self.settings.max_question_chars
        if len(question) > limit:
            return M.QUESTION_TOO_LONG[0].format(limit=limit)
        if self.rate_hit is not None and openid and self.settings.rate_limit_openid > 0:
            try:
                count = self.rate_hit("openid:" + session_for(openid), self.settings.rate_window_s)
            except Exception as exc:  # a counting failure must not silence the service
                log.warning("rate counter unavailable: %s", type(exc).__name__)
                count = 0
            if count > self.settings.rate_limit_openid:
                return M.WECHAT_RATE_LIMITED
        return None

    def _answer(self, store, msg_id: str, openid: str, question: str, started: float) -> str | None:
        assistant = self.get_assistant()
        future = self.executor.submit(assistant.ask, question, session_id=session_for(openid),
                                      channel="wechat")
        budget = self.settings.wechat_reply_timeout_s - (time.monotonic() - started)
        try:
            answer = future.result(timeout=max(0.05, budget))
        except FutureTimeout:
            future.add_done_callback(lambda f: self._deliver_late(store, msg_id, openid, f))
            log.info("wechat answer not ready in %.1fs; will send by customer service",
                     self.settings.wechat_reply_timeout_s)
            return None
        except InputError as exc:       # the citizen can fix it: say what is wrong
            text = exc.message_zh
        except Exception as exc:
            log.error("wechat ask failed: %s", type(exc).__name__)
            text = M.WECHAT_ERROR
        else:
            text = wechat_text(answer.to_dict())
        store.set_message_reply(msg_id, json.dumps({"via": "passive", "text": text}, ensure_ascii=False))
        return text

    def _deliver_late(self, store, msg_id: str, openid: str, future) -> None:
        try:
            exc = future.exception()
            text = M.WECHAT_ERROR if exc else wechat_text(future.result().to_dict())
            # Recorded first, so a retry of this MsgId does not answer a second time.
            store.set_message_reply(msg_id, json.dumps({"via": "sender", "text": text}, ensure_ascii=False))
            self.sender.send_text(openid, text, msg_id=msg_id)
        except Exception as exc:
            log.error("late wechat delivery failed: %s", type(exc).__name__)

    def _retry_reply(self, store, msg_id: str) -> str | None:
        """WeChat retried a message we already have: reuse the reply, or stay silent."""
        deadline = time.monotonic() + self.RETRY_WAIT_S
        while True:
            stored = store.get_message_reply(msg_id)
            if stored:
                try:
                    data = json.loads(stored)
                except ValueError:
                    return stored
                return data.get("text") if data.get("via") == "passive" else None
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.1)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
