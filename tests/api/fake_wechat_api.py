"""A local stand-in for the WeChat server API (api.weixin.qq.com) on 127.0.0.1: the stable
access-token endpoint and the customer-service send endpoint, with the documented error
replies (40001/42001 token invalid or expired, 45009/45011 limits, 45015 reply window
passed, -1 busy) scripted per test."""
from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ERRMSG = {0: "ok", -1: "system error", 40001: "invalid credential, access_token is invalid or not latest",
          42001: "access_token expired", 45009: "reach max api daily quota limit",
          45011: "api minute-quota reach limit", 45015: "response out of time limit or subscription is canceled",
          45047: "out of response count limit", 40013: "invalid appid"}


class FakeWeChatApi:
    def __init__(self, appid: str, secret: str):
        self.appid, self.secret = appid, secret
        self.tokens_issued: list[str] = []
        self.valid_tokens: set[str] = set()
        self.token_requests: list[dict] = []
        self.sends: list[dict] = []           # every send request: {token, body}
        self.delivered: list[dict] = []       # the ones answered errcode 0
        self.send_script: deque = deque()     # errcodes (int) or HTTP statuses ("http500") to answer next
        self.token_script: deque = deque()
        self.expires_in = 7200
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                url = urlparse(self.path)
                status, payload = api.handle(url.path, parse_qs(url.query), body)
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeWeChatApi":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def expire_all_tokens(self) -> None:
        with self.lock:
            self.valid_tokens.clear()

    def handle(self, path: str, query: dict, body: dict) -> tuple[int, dict]:
        with self.lock:
            if path == "/cgi-bin/stable_token":
                self.token_requests.append(body)
                if self.token_script:
                    code = self.token_script.popleft()
                    return 200, {"errcode": code, "errmsg": ERRMSG.get(code, "error")}
                if body.get("appid") != self.appid or body.get("secret") != self.secret:
                    return 200, {"errcode": 40013, "errmsg": ERRMSG[40013]}
                token = f"TOKEN-{len(self.tokens_issued) + 1}"
                self.tokens_issued.append(token)
                self.valid_tokens.add(token)
                return 200, {"access_token": token, "expires_in": self.expires_in}
            if path == "/cgi-bin/message/custom/send":
                token = (query.get("access_token") or [""])[0]
                self.sends.append({"token": token, "body": body})
                if token not in self.valid_tokens:
                    code = 42001 if token in self.tokens_issued else 40001
                    return 200, {"errcode": code, "errmsg": ERRMSG[code]}
                if self.send_script:
                    step = self.send_script.popleft()
                    if isinstance(step, str) and step.startswith("http"):
                        return int(step[4:]), {"error": "server"}
                    if step != 0:
                        return 200, {"errcode": step, "errmsg": ERRMSG.get(step, "error")}
                self.delivered.append(body)
                return 200, {"errcode": 0, "errmsg": "ok"}
            return 404, {"errcode": 404, "errmsg": "not found"}
