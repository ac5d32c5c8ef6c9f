"""The HTTP surface of policydesk (``policydesk serve``): JSON API, the WeChat H5 page and
widget, and the official-account callback. Thin: every answer comes from assistant.service.

``create_app()`` is a factory: uvicorn calls it once per worker, so each worker builds its
own heavy objects (index, embedder, database pool) once, warmed in a background thread."""
from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import re
import threading
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any, Callable, Literal

import swagger_ui_bundle
from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from api import messages as M
from api.protection import (GuardMiddleware, RateLimited, RateLimiter, SafeJSONResponse, client_ip,
                            error_body, install_log_redaction)
from api.wechat import CustomerServiceSender, WeChatError, WeChatHandler
from api.wechat_send import WeChatApiSender
from assistant import render
from assistant.messages import HOTLINE, HOTLINE_HOURS, HOTLINE_NAME, TOPICS
from assistant.service import get_assistant as default_get_assistant
from calculators.registry import CALCULATORS
from policydesk.errors import InputError, PolicydeskError
from policydesk.dates import optional_day
from policydesk.inputs import check_text
from policydesk.privacy import contains_pii, install_log_masking, mask_obj
from policydesk.settings import Settings, get_settings

log = logging.getLogger("policydesk.api")

STATIC = Path(__file__).resolve().parent / "static"
OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.json"
FAVICON = STATIC / "favicon.png"
VERSION = "0.1.0"


# -- request and response models (they are the OpenAPI contract) ----------------------------
class AskRequest(BaseModel):
    question: str = Field(..., description="市民的问题（中文；长度上限为设置 POLICYDESK_MAX_QUESTION_CHARS，默认 500 字）",
                          examples=["爱心消费券每人多少钱？"])
    session_id: str | None = Field(None, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$",
                                   description="会话 ID，多轮对话时每次带上同一个")
    today: date | None = Field(None, description="提问日期 YYYY-MM-DD（默认今天）")
    channel: Literal["api", "h5", "widget"] | None = Field(None, description="调用来源，用于区分日志")


class CitationOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str | None = None
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    quote: str | None = None
    statute: str | None = None
    article: str | None = None


class AnswerOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    answer: str = Field(..., description="回答全文（含引用标记 [n] 和追问），由 assistant/render.py 生成")
    blocks: list[dict[str, Any]] = Field(default_factory=list,
                                         description="回答的组成部分：{kind, text, markers}，kind 见 assistant/render.py")
    citations: list[CitationOut]
    declined: bool
    calculator: dict[str, Any] | None = None
    follow_up: Any = None
    steps: list[dict[str, Any]]
    id: str
    status: str


class PassageOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str
    score: float
    citation: CitationOut


class SearchOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    passages: list[PassageOut]


class FeedbackRequest(BaseModel):
    answer_id: str = Field(..., max_length=64, description="被评价回答的 id（/api/ask 返回）")
    rating: Literal[1, -1] = Field(..., description="1 = 有用，-1 = 没用")
    comment: str | None = Field(None, max_length=1000, description="意见（可选）")
    session_id: str | None = Field(None, max_length=128)


class FeedbackOut(BaseModel):
    ok: bool
    id: int
    message: str


class ErrorOut(BaseModel):
    error: str = Field(..., description="给市民看的中文说明")
    error_en: str = Field(..., description="English, for logs")
    field: str | None = Field(None, description="出错的字段")


class SuggestionsOut(BaseModel):
    questions: list[str] = Field(..., description="推荐市民可以问的问题")


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    index: bool
    database: bool
    warm: bool


ERRORS = {code: {"model": ErrorOut} for code in (400, 413, 422, 429, 503)}


# -- the app ---------------------------------------------------------------------------------
def create_app(settings: Settings | None = None, *, get_assistant: Callable | None = None,
               sender: CustomerServiceSender | None = None, warm_up: bool = True) -> FastAPI:
    settings = settings or get_settings()
    get_assistant = get_assistant or default_get_assistant
    install_log_masking()
    install_log_redaction()

    def rate_hit(key: str, window_s: int) -> int:
        return get_assistant().store.rate_hit(key, window_s)

    limiter = RateLimiter(rate_hit, settings.rate_window_s)
    if sender is None and settings.wechat_appid and settings.wechat_secret:
        sender = WeChatApiSender(settings.wechat_appid, settings.wechat_secret, api_base=settings.wechat_api_base,
                                 attempts=settings.wechat_send_attempts,
                                 dead_letter=lambda *a, **k: get_assistant().store.add_dead_letter(*a, **k))
    wechat = WeChatHandler(settings, get_assistant, sender=sender, rate_hit=rate_hit)
    state = {"warm": False}

    def warm() -> None:
        try:
            assistant = get_assistant()
            assistant.store  # opens the database, creates tables
            assistant.warm_up()
            state["warm"] = True
        except Exception as exc:  # the first request will try again and report properly
            log.warning("warm-up failed: %s", type(exc).__name__)

    @asynccontextmanager
    async def lifespan(_app):
        if warm_up:
            threading.Thread(target=warm, name="policydesk-warm-up", daemon=True).start()
        yield
        wechat.close()

    app = FastAPI(
        title="policydesk 民生政策助手 API",
        version=VERSION,
        description="回答山西民生政策问题：只依据收录的政策原文作答并给出出处；金额、日期由规则计算器给出。",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        default_response_class=SafeJSONResponse,
    )
    _install_offline_docs(app)
    app.state.settings = settings
    app.state.wechat = wechat
    app.state.get_assistant = get_assistant

    # Order matters: CORS is outermost so even 413/429/500 replies carry CORS headers.
    app.add_middleware(GuardMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                       allow_methods=["GET", "POST"], allow_headers=["Content-Type"],
                       allow_credentials=False, max_age=600)

    _install_error_handlers(app)

    def check_ip(request: Request) -> None:
        ip = client_ip(request.scope, settings.trusted_proxies)
        limiter.check("ip:" + ip, settings.rate_limit_ip)

    def check_question(text: str, field: str) -> str:
        check_text(text, field)
        text = (text or "").strip()
        if not text:
            raise InputError(*M.QUESTION_EMPTY, field=field)
        if len(text) > settings.max_question_chars:
            zh, en = M.QUESTION_TOO_LONG
            raise InputError(zh.format(limit=settings.max_question_chars),
                             en.format(limit=settings.max_question_chars), field=field)
        return text

    def check_session(session_id: str | None) -> None:
        # A session id is stored and echoed as it is: one that carries a phone or card
        # number is refused rather than stored.
        if session_id and contains_pii(session_id):
            raise InputError(*M.SESSION_HAS_PII, field="session_id", status=422)

    # -- JSON API ----------------------------------------------------------------------------
    @app.post("/api/ask", tags=["api"], summary="提问，返回带出处的回答",
              responses={200: {"model": AnswerOut}, **ERRORS})
    def ask(request: Request, body: AskRequest):
        check_ip(request)
        question = check_question(body.question, "question")
        check_session(body.session_id)
        today = optional_day(body.today, "today")   # 1950–2099, checked before any date arithmetic
        answer = get_assistant().ask(question, session_id=body.session_id, today=today,
                                     channel=body.channel or "api")
        # The record echoes the question only masked (the assistant masks it; this holds
        # for any assistant behind the API).
        record = mask_obj(answer.to_dict())
        # How screens show it (H5, widget): rendered once, by the one renderer.
        record["view"] = render.answer_view(record, base=str(request.base_url))
        return SafeJSONResponse(record)

    @app.get("/api/suggestions", tags=["api"], summary="开场推荐的问题",
             responses={200: {"model": SuggestionsOut}, **ERRORS})
    def suggestions(request: Request):
        check_ip(request)
        try:
            questions = get_assistant().suggestions()
        except PolicydeskError:
            questions = []
        return {"questions": questions}

    @app.get("/api/search", tags=["api"], summary="检索政策原文段落",
             responses={200: {"model": SearchOut}, **ERRORS})
    def search(request: Request, q: str = Query(..., description="查询内容"),
               k: int = Query(5, ge=1, le=20, description="返回条数")):
        check_ip(request)
        query = check_question(q, "q")
        return SafeJSONResponse(mask_obj(get_assistant().search(query, k=k)))

    @app.get("/api/calculators", tags=["api"], summary="计算器及其输入项",
             responses={200: {"description": "每个计算器的名称、说明、输入项（类型、单位、是否必填、取值范围、选项）和结果项"}})
    def calculators_list():
        return {"calculators": [spec.to_dict() for spec in CALCULATORS.values()]}

    @app.post("/api/calculators/{name}", tags=["api"], summary="运行规则计算器",
              responses={200: {"description": "与 `policydesk calc NAME --json` 相同的结果"},
                         404: {"model": ErrorOut}, **ERRORS},
              openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
                  "oneOf": [calculator_schema(spec) for spec in CALCULATORS.values()]}}}}})
    def calculate(request: Request, name: str,
                  inputs: dict[str, Any] = Body(default_factory=dict,
                                                examples=[{"category": "tekun", "date": "2023-01-15"}])):
        check_ip(request)
        check_text(name, "name", "计算器名称")
        for key, value in inputs.items():   # each value under its own field name
            check_text(key, "inputs", "输入项名称")
            check_text(value, str(key)[:40])
        key = name if name in CALCULATORS else name.replace("_", "-")
        if key not in CALCULATORS:
            return SafeJSONResponse(error_body(M.UNKNOWN_CALCULATOR, field="name", name=name[:40],
                                           names="、".join(sorted(CALCULATORS))), status_code=404)
        try:
            return SafeJSONResponse(mask_obj(get_assistant().calculate(key, inputs)))
        except InputError as exc:   # a calculator input that fails its field's check
            return SafeJSONResponse(mask_obj(exc.to_dict()), status_code=422)

    @app.post("/api/feedback", tags=["api"], summary="评价一个回答",
              responses={200: {"model": FeedbackOut}, 404: {"model": ErrorOut}, **ERRORS})
    def feedback(request: Request, body: FeedbackRequest):
        check_ip(request)
        check_text(body.comment, "comment")
        check_session(body.session_id)
        store = get_assistant().store
        if store.get_conversation(body.answer_id) is None:
            return SafeJSONResponse(error_body(M.UNKNOWN_ANSWER, field="answer_id"), status_code=404)
        fid = store.add_feedback(body.answer_id, body.rating, body.comment, session_id=body.session_id)
        return {"ok": True, "id": fid, "message": M.FEEDBACK_THANKS}

    @app.get("/healthz", tags=["ops"], summary="健康检查：索引与数据库",
             responses={200: {"model": HealthOut}, 503: {"model": HealthOut}})
    def healthz():
        index_ok = settings.index_dir.is_dir() and any(settings.index_dir.iterdir())
        try:
            store = get_assistant().store
            with store.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            db_ok = True
        except Exception as exc:
            log.warning("healthz: database unavailable: %s", type(exc).__name__)
            db_ok = False
        ok = index_ok and db_ok
        body = {"status": "ok" if ok else "degraded", "index": index_ok, "database": db_ok,
                "warm": state["warm"]}
        return SafeJSONResponse(body, status_code=200 if ok else 503)

    # -- the whole document, the citation highlighted -------------------------------------------
    doc_template = (STATIC / "doc.html").read_text(encoding="utf-8")

    @app.get("/doc/{doc_id}", include_in_schema=False)
    def document(request: Request, doc_id: str, start: int | None = Query(None, ge=0),
                 end: int | None = Query(None, ge=0), article: str | None = Query(None, max_length=20)):
        check_ip(request)
        try:
            doc = get_assistant().documents_by_id.get(doc_id)
        except PolicydeskError:
            doc = None
        headers = {"Content-Security-Policy": DOC_CSP, "Referrer-Policy": "no-referrer"}
        if doc is None:
            return HTMLResponse(_doc_page(doc_template, M.DOC_NOT_FOUND[0], "", "", ""),
                                status_code=404, headers=headers)
        body = render.document_html(doc, start, end, article)
        cited = 'id="cite"' in body
        title = getattr(doc, "statute", "") or f"《{doc.title}》"
        version = " ".join(x for x in (getattr(doc, "version_date", ""), getattr(doc, "version_event", "")) if x)
        meta = (M.DOC_STATUTE_META.format(kind=getattr(doc, "kind", "") or "", version=version).strip()
                if getattr(doc, "statute", "") else "　".join(x for x in (doc.publisher, doc.date) if x))
        note = M.DOC_NOTE if cited else M.DOC_NOTE_PLAIN
        return HTMLResponse(_doc_page(doc_template, title, meta, note, body), headers=headers)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(FAVICON.read_bytes(), media_type="image/png",
                        headers={"Cache-Control": "public, max-age=86400"})

    # -- H5 page and widget -------------------------------------------------------------------
    widget_js = _compact(_with_service_texts((STATIC / "widget.js").read_text(encoding="utf-8"), settings))
    h5_html, h5_csp = _build_h5(widget_js, settings)

    @app.get("/h5", include_in_schema=False)
    def h5():
        return HTMLResponse(h5_html, headers={"Content-Security-Policy": h5_csp,
                                              "Cache-Control": "no-cache",
                                              "Referrer-Policy": "no-referrer"})

    @app.get("/widget.js", include_in_schema=False)
    def widget():
        return Response(widget_js, media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})

    # -- WeChat callback ----------------------------------------------------------------------
    @app.get("/wechat", include_in_schema=False)
    def wechat_verify(request: Request):
        try:
            return PlainTextResponse(wechat.verify(dict(request.query_params)))
        except WeChatError as exc:
            return _wechat_error(exc)

    @app.post("/wechat", include_in_schema=False)
    async def wechat_message(request: Request):
        # Per address, so one sender cannot beat the per-OpenID limit by rotating FromUserName.
        limiter.check("wechat-ip:" + client_ip(request.scope, settings.trusted_proxies),
                      settings.rate_limit_wechat_ip)
        body = await request.body()
        params = dict(request.query_params)
        try:
            reply = await run_in_threadpool(wechat.handle, params, body)
        except WeChatError as exc:
            return _wechat_error(exc)
        media = "text/plain" if reply == "success" else "application/xml"
        return Response(reply, media_type=media + "; charset=utf-8")

    return app


DOC_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
           "form-action 'none'")


def _doc_page(template: str, title: str, meta: str, note: str, body: str) -> str:
    """The document page: ``body`` is HTML from the renderer, the rest is escaped here."""
    esc = html.escape
    return (template.replace("{{TITLE}}", esc(title)).replace("{{META}}", esc(meta))
            .replace("{{NOTE}}", esc(note)).replace("{{BODY}}", body))


def _wechat_error(exc: WeChatError) -> SafeJSONResponse:
    return SafeJSONResponse({"error": exc.message_zh, "error_en": exc.message_en}, status_code=exc.status)


_INLINE_MARK = "/*POLICYDESK_WIDGET*/"


def _compact(js: str) -> str:
    """widget.js as sent: without indentation and whole-line // comments (the file keeps
    them for people; phones on slow networks do not need them)."""
    return "\n".join(line.strip() for line in js.splitlines() if not line.strip().startswith("//")) + "\n"


def _with_service_texts(text: str, settings: Settings) -> str:
    """The static page and widget name the hotline and the topics covered as the assistant
    does (assistant/data/) and take the question-length limit from the settings."""
    return (text.replace("{{HOTLINE}}", HOTLINE).replace("{{TOPICS}}", TOPICS)
            .replace("{{HOTLINE_NAME}}", HOTLINE_NAME).replace("{{HOTLINE_HOURS}}", HOTLINE_HOURS)
            .replace("{{MAX_QUESTION_CHARS}}", str(settings.max_question_chars)))


def _build_h5(widget_js: str, settings: Settings) -> tuple[str, str]:
    """The page inlines widget.js (one request on a slow connection); the CSP allows only
    those inline scripts, by hash, and requests to this origin. It may be framed only by
    this origin and the sites allowed to embed the widget (POLICYDESK_CORS_ORIGINS)."""
    embedders = settings.cors_origins
    html = _with_service_texts((STATIC / "h5.html").read_text(encoding="utf-8"), settings)
    html = html.replace(_INLINE_MARK, widget_js.replace("</script", "<\\/script"))
    hashes = []
    for script in re.findall(r"<script>(.*?)</script>", html, flags=re.S):
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    ancestors = " ".join(["'self'"] + [src for src in map(_csp_source, embedders) if src])
    csp = ("default-src 'none'; connect-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; "
           f"script-src {' '.join(hashes)}; base-uri 'none'; form-action 'none'; "
           f"frame-ancestors {ancestors}")
    return html, csp


def _csp_source(origin: str) -> str:
    """An allow-listed origin as a CSP source; anything that could end the directive is dropped."""
    origin = origin.strip().rstrip("/")
    return origin if re.fullmatch(r"https?://[A-Za-z0-9.\-]+(?::\d{1,5})?", origin) else ""


# -- errors: always JSON, Chinese first ----------------------------------------------------
def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(_request, exc: RequestValidationError):
        errors = exc.errors()
        first = errors[0] if errors else {}
        kind = first.get("type", "")
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        field = loc[0] if loc else "body"
        if kind == "json_invalid":
            return SafeJSONResponse(error_body(M.BAD_JSON), status_code=400)
        label = M.FIELD_LABELS.get(field, field)
        if kind == "missing":
            zh = M.FIELD_MISSING.format(label=label)
        elif kind == "string_too_long":
            zh = M.FIELD_TOO_LONG.format(label=label)
        elif field == "rating":
            zh = M.RATING_INVALID
        else:
            zh = M.FIELD_INVALID.format(label=label)
        # Pydantic's message names the rule broken, never the value; the field name may come
        # from the caller's JSON, so it is cut short and masked.
        field = mask_obj(field[:40])
        en = f"{field}: {str(first.get('msg', 'invalid'))[:120]}"
        return SafeJSONResponse({"error": mask_obj(zh), "error_en": en, "field": field}, status_code=422)

    @app.exception_handler(RateLimited)
    async def rate_limited(_request, _exc):
        return SafeJSONResponse(error_body(M.RATE_LIMITED), status_code=429,
                            headers={"Retry-After": str(app.state.settings.rate_window_s)})

    @app.exception_handler(PolicydeskError)
    async def policydesk_error(_request, exc: PolicydeskError):
        status = exc.http_status if isinstance(exc, InputError) else 503
        if status >= 500:
            log.warning("service unavailable: %s", exc.message_en[:200])
            # A backend's own words (a database URL, a driver message) stay in the log.
            body = error_body(M.UNAVAILABLE) if not isinstance(exc, InputError) else exc.to_dict()
            return SafeJSONResponse(body, status_code=status)
        return SafeJSONResponse(mask_obj(exc.to_dict()), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request, exc: StarletteHTTPException):
        default = M.BAD_REQUEST if 400 <= exc.status_code < 500 else M.INTERNAL
        message = {404: M.NOT_FOUND, 405: M.METHOD_NOT_ALLOWED, 413: M.BODY_TOO_LARGE,
                   415: M.BAD_REQUEST}.get(exc.status_code, default)
        return SafeJSONResponse(error_body(message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))


# -- calculator inputs, from the specs ----------------------------------------------------------
_JSON_TYPES = {"date": {"type": "string", "format": "date"}, "int": {"type": "integer"},
               "float": {"type": "number"}, "money": {"type": "number"}, "bool": {"type": "boolean"},
               "choice": {"type": "string"}}


def calculator_schema(spec) -> dict:
    """The JSON schema of one calculator's inputs (its fields, as the CLI flags in snake_case)."""
    properties = {}
    for f in spec.fields:
        prop = dict(_JSON_TYPES[f.type])
        prop["title"] = f.label_zh
        prop["description"] = "；".join(p for p in (f.ask_zh, f.help_en) if p)
        if f.choices:
            prop["enum"] = [c.value for c in f.choices]
            prop["description"] += "（" + "；".join(f"{c.value}={c.label_zh}" for c in f.choices) + "）"
        if f.min is not None:
            prop["minimum"] = f.min
        if f.max is not None:
            prop["maximum"] = f.max
        if f.default is not None:
            prop["default"] = f.default
        properties[f.name] = prop
    return {"title": f"{spec.name}（{spec.title_zh}）", "type": "object", "properties": properties,
            "required": [f.name for f in spec.fields if f.required and not f.default_today],
            "additionalProperties": True}   # aliases such as no_x, voluntary and kebab-case names


# -- committed OpenAPI schema ----------------------------------------------------------------
def openapi_schema() -> dict:
    app = create_app(Settings(home=Path("/nonexistent"), corpus_dir=Path("/nonexistent")),
                     get_assistant=lambda: None, warm_up=False)
    return app.openapi()


def openapi_text() -> str:
    return json.dumps(openapi_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"



def _install_offline_docs(app) -> None:
    """/docs with Swagger UI served from the swagger-ui-bundle package, not a CDN: the
    bureau's servers may have no internet access."""
    # Only the three files /docs uses: the package's own index.html is the Swagger
    # "petstore" demo, which fetches a third-party host.
    assets = Path(swagger_ui_bundle.swagger_ui_path)
    served = {"swagger-ui-bundle.js": "application/javascript", "swagger-ui.css": "text/css",
              "favicon-32x32.png": "image/png"}

    @app.get("/docs-assets/{name}", include_in_schema=False)
    def docs_asset(name: str):
        if name not in served or not (assets / name).is_file():
            return SafeJSONResponse(error_body(M.NOT_FOUND), status_code=404)
        return FileResponse(assets / name, media_type=served[name],
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} — 接口文档",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")


if __name__ == "__main__":  # python -m api.app  → rewrites api/openapi.json
    OPENAPI_FILE.write_text(openapi_text(), encoding="utf-8")
    print(f"wrote {OPENAPI_FILE}")
