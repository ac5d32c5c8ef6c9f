"""Protection of the public endpoint: body size cap, rate limits shared by all workers
(counted in the database), client address, error responses that never carry a traceback,
and access logs that never print a citizen's question."""
from __future__ import annotations

import functools
import ipaddress
import json
import logging
import os
import re
import traceback
from typing import Callable

from starlette.responses import JSONResponse

from api import messages as M
from policydesk.privacy import mask_pii

log = logging.getLogger("policydesk.api")


def error_body(message: tuple[str, str], field: str | None = None, **fmt) -> dict:
    zh, en = message
    out = {"error": zh.format(**fmt) if fmt else zh, "error_en": en.format(**fmt) if fmt else en}
    if field:
        out["field"] = field
    return out


class RateLimited(Exception):
    pass


class RateLimiter:
    """Fixed-window counters in the shared database (Store.rate_hit), so every worker and
    every machine behind the balancer sees the same counts."""

    def __init__(self, rate_hit: Callable[[str, int], int], window_s: int):
        self.rate_hit = rate_hit
        self.window_s = window_s

    def check(self, key: str, limit: int) -> None:
        if limit <= 0:
            return
        try:
            count = self.rate_hit(key, self.window_s)
        except Exception as exc:  # fail open: a counter outage must not take the service down
            log.warning("rate counter unavailable: %s", type(exc).__name__)
            return
        if count > limit:
            raise RateLimited(key)


@functools.lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(t, strict=False) for t in trusted)


def _is_trusted(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(scope: dict, trusted: tuple[str, ...] = ()) -> str:
    """The client's address. X-Forwarded-For is read only when the connection comes from a
    proxy named in POLICYDESK_TRUST_PROXY; then the first address from the right that is
    not one of those proxies is the client (what a client put at the left is ignored)."""
    client = scope.get("client")
    peer = client[0] if client else "unknown"
    networks = _networks(tuple(trusted or ()))
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops: list[str] = []
    for name, value in scope.get("headers") or []:
        if name == b"x-forwarded-for":
            hops += [h.strip() for h in value.decode("latin-1").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer   # a proxy that forwards garbage: count the proxy
    return hops[0] if hops else peer


class SafeJSONResponse(JSONResponse):
    """JSON that always renders: a stray lone surrogate becomes U+FFFD instead of a 500."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":"), default=str).encode("utf-8", "replace")


class GuardMiddleware:
    """Outermost ASGI guard below CORS: refuses bodies over the cap with 413 before the
    route reads them, and turns any unexpected exception into a Chinese JSON 500 (logged
    without the exception's message, which might quote the question)."""

    def __init__(self, app, max_body_bytes: int, upload_paths: tuple[str, ...] = (), max_upload_bytes: int = 0):
        self.app = app
        self.max_body_bytes = max_body_bytes
        # staff uploads of policy files (api/documents.py) may be larger than a question
        self.upload_paths = upload_paths
        self.max_upload_bytes = max_upload_bytes
        self.expose_worker = os.environ.get("POLICYDESK_EXPOSE_WORKER") == "1"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_tracking(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers") or [])
                headers.append((b"x-content-type-options", b"nosniff"))
                if self.expose_worker:  # tests and benchmarks see which worker answered
                    headers.append((b"x-policydesk-worker", str(os.getpid()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            if scope.get("method") in ("POST", "PUT", "PATCH"):
                cap, message = self.max_body_bytes, M.BODY_TOO_LARGE
                if self.upload_paths and str(scope.get("path", "")).startswith(self.upload_paths):
                    # the form around the file takes a few KB more than the file itself
                    cap, message = self.max_upload_bytes + 65536, M.UPLOAD_TOO_LARGE
                    message = (message[0].format(mb=self.max_upload_bytes // 1048576), message[1])
                length = _content_length(scope)
                if length is not None and length > cap:
                    return await _send_json(send, 413, error_body(message))
                body, too_large = await _read_body(receive, cap)
                if too_large:
                    return await _send_json(send, 413, error_body(message))
                receive = _replay(body)
            await self.app(scope, receive, send_tracking)
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__)[-6:])
            log.error("unhandled %s on %s\n%s", type(exc).__name__, scope.get("path"), frames)
            if not started:
                await _send_json(send, 500, error_body(M.INTERNAL))


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(receive, cap: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks), False


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _send_json(send, status: int, payload: dict) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


# -- logs ------------------------------------------------------------------------------------
_QUERY_VALUE = re.compile(r"=([^&]*)")


def redact_path(path: str) -> str:
    """Keep the path and the parameter names; drop every query value (questions, OpenIDs)."""
    if "?" not in path:
        return mask_pii(path)
    base, query = path.split("?", 1)
    return mask_pii(base) + "?" + _QUERY_VALUE.sub("=…", query)


class AccessLogRedactor(logging.Filter):
    """uvicorn's access log record args are (client, method, path, http_version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = args[:2] + (redact_path(args[2]),) + args[3:]
        return True


def install_log_redaction() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogRedactor) for f in access.filters):
        access.addFilter(AccessLogRedactor())
