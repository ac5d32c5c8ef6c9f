"""The customer-service message sender (客服消息): how an answer that was not ready within
WeChat's 5-second passive-reply window still reaches the citizen.

- Access token: ``POST {api}/cgi-bin/stable_token`` (getStableAccessToken, normal mode), so
  several workers and machines share one token instead of invalidating each other's. It is
  cached until shortly before ``expires_in`` and fetched again when it runs out or when the
  send API calls it invalid or expired (40001, 40014, 42001).
- Send: ``POST {api}/cgi-bin/message/custom/send?access_token=…`` with
  ``{"touser", "msgtype": "text", "text": {"content"}}``; ``errcode`` 0 is delivered.
- Retries, with growing waits, for what may pass: system busy (-1), API rate and quota
  limits (45009, 45011), HTTP 5xx and network errors. No retry for what cannot: the reply
  window of 48 hours has passed or the citizen unsubscribed (45015), too many replies to
  one message (45047), not a follower (43004), a bad OpenID (40003).
- Whatever is not delivered in the end becomes a dead letter in the database (OpenID as
  its hash, text masked) for operators, never an exception in the answering thread.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

import httpx

from api.wechat import CustomerServiceSender, session_for

log = logging.getLogger("policydesk.wechat")

TOKEN_INVALID = {40001, 40014, 42001}
RETRYABLE = {-1, 45009, 45011}
FINAL = {45015, 45047, 43004, 40003}
REASONS = {45015: "reply window passed or unsubscribed", 45047: "too many replies to one message",
           43004: "not a follower", 40003: "invalid openid", 45009: "daily API quota reached",
           45011: "API minute quota reached", -1: "system busy"}
TOKEN_MARGIN_S = 300   # fetch a new token this long before the old one expires


class WeChatApiError(Exception):
    def __init__(self, errcode: int | None, errmsg: str = ""):
        super().__init__(f"errcode {errcode}: {errmsg[:100]}")
        self.errcode = errcode


class WeChatApiSender(CustomerServiceSender):
    def __init__(self, appid: str, secret: str, *, api_base: str = "https://api.weixin.qq.com",
                 attempts: int = 3, backoff_s: float = 0.5, timeout_s: float = 5.0,
                 dead_letter: Callable | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, client: httpx.Client | None = None):
        self.appid, self.secret = appid, secret
        self.api_base = api_base.rstrip("/")
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self.dead_letter = dead_letter
        self.clock, self.sleep = clock, sleep
        self.client = client or httpx.Client(timeout=timeout_s)
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    # -- access token -------------------------------------------------------------------
    def access_token(self, refresh: bool = False) -> str:
        with self._lock:
            if self._token and not refresh and self.clock() < self._expires_at - TOKEN_MARGIN_S:
                return self._token
            r = self.client.post(self.api_base + "/cgi-bin/stable_token",
                                 json={"grant_type": "client_credential", "appid": self.appid,
                                       "secret": self.secret, "force_refresh": False})
            data = _json(r)
            if not data.get("access_token"):
                raise WeChatApiError(data.get("errcode"), str(data.get("errmsg", "")))
            self._token = str(data["access_token"])
            self._expires_at = self.clock() + float(data.get("expires_in") or 7200)
            return self._token

    def forget_token(self) -> None:
        with self._lock:
            self._token, self._expires_at = None, 0.0

    # -- sending ------------------------------------------------------------------------
    def send_text(self, openid: str, text: str, msg_id: str | None = None) -> bool:
        """True when WeChat took the message; otherwise a dead letter records why."""
        last_code, reason, attempt = None, "", 0
        while attempt < self.attempts:
            attempt += 1
            try:
                token = self.access_token()
                r = self.client.post(self.api_base + "/cgi-bin/message/custom/send",
                                     params={"access_token": token},
                                     json={"touser": openid, "msgtype": "text", "text": {"content": text}})
                data = _json(r)
                code = int(data.get("errcode", 0) or 0)
            except WeChatApiError as exc:   # the token could not be fetched
                code, data = exc.errcode, {}
                if code is None or code in RETRYABLE:
                    last_code, reason = code, "token: " + REASONS.get(code, "unavailable")
                    self._wait(attempt)
                    continue
                last_code, reason = code, f"token refused (errcode {code})"
                break
            except httpx.HTTPError as exc:
                last_code, reason = None, f"network: {type(exc).__name__}"
                self._wait(attempt)
                continue
            if code == 0:
                return True
            last_code = code
            if code in TOKEN_INVALID:
                reason = "access token expired or invalid"
                self.forget_token()   # the next attempt fetches a fresh one at once
                continue
            reason = REASONS.get(code, f"errcode {code}")
            if code in FINAL:
                break
            if code in RETRYABLE:
                self._wait(attempt)
                continue
            break   # an error we do not know: do not hammer the API
        log.warning("wechat customer-service send failed for %s after %d attempt(s): %s",
                    session_for(openid), attempt, reason)
        if self.dead_letter is not None:
            try:
                self.dead_letter(session_for(openid), text, msg_id=msg_id, errcode=last_code,
                                 reason=reason, attempts=attempt)
            except Exception as exc:  # the record is best effort; the log line above stays
                log.error("could not record dead letter: %s", type(exc).__name__)
        return False

    def _wait(self, attempt: int) -> None:
        if attempt < self.attempts:
            self.sleep(self.backoff_s * (2 ** (attempt - 1)))

    def close(self) -> None:
        self.client.close()


def _json(response: httpx.Response) -> dict:
    if response.status_code >= 500:
        raise httpx.HTTPStatusError("server error", request=response.request, response=response)
    try:
        data = response.json()
    except ValueError:
        raise WeChatApiError(None, "not JSON") from None
    return data if isinstance(data, dict) else {}
