"""The staff API for policy documents (for the bureau's scripts): the same operations as
the staff console's Documents tab and `policydesk docs`, behind a staff account (HTTP Basic,
with the console's throttling and lockout). Every change is audited under that account.

    GET    /api/staff/docs                     list (?q= ?status= ?today=)
    POST   /api/staff/docs                     add: multipart file (or form field text) and metadata;
                                               publish=true publishes at once
    GET    /api/staff/docs/{doc_id}            one document, its text, preview and runs
    PATCH  /api/staff/docs/{doc_id}            metadata and validity (JSON)
    POST   /api/staff/docs/{doc_id}/publish    ?wait=true (default) → 200 when answerable; false → 202 + job
    POST   /api/staff/docs/{doc_id}/retire     {reason}
    DELETE /api/staff/docs/{doc_id}            delete a draft
    GET    /api/staff/jobs/{job_id}            a run's stage, percent, error

Bad input is a 4xx with a Chinese message naming the field: 413 too large, 415 wrong type,
422 no text / impossible date, 409 duplicate (``duplicate_of`` names the document to replace)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Body, Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ConfigDict, Field

from api import messages as M
from api.protection import SafeJSONResponse
from assistant.documents import DocumentService, check_metadata
from assistant.staff import StaffAccounts
from policydesk.dates import optional_day
from policydesk.errors import InputError
from policydesk.privacy import mask_obj

UPLOAD_PREFIX = "/api/staff/docs"
_basic = HTTPBasic(auto_error=False)


class DocumentChange(BaseModel):
    """Metadata and validity to change (only the fields given)."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, max_length=200, description="标题")
    publisher: str | None = Field(None, max_length=80, description="发布单位")
    date: str | None = Field(None, description="发布日期 YYYY-MM-DD")
    region: str | None = Field(None, max_length=40, description="地区")
    kind: str | None = Field(None, max_length=40, description="文种")
    url: str | None = Field(None, max_length=500, description="原文链接")
    valid_from: str | None = Field(None, description="施行日期 YYYY-MM-DD（空字符串清除）")
    valid_until: str | None = Field(None, description="截止日期 YYYY-MM-DD（空字符串清除）")
    validity_note: str | None = Field(None, max_length=500, description="有效期说明")
    validity_quote: str | None = Field(None, max_length=500, description="正文中写明日期的原文（逐字）")
    measures: list[dict[str, Any]] | None = Field(
        None, description="文中措施各自的有效期：[{label, anchor（该段原文）, valid_from, valid_until, note, quote}]")


class RetireRequest(BaseModel):
    reason: str = Field("", max_length=500, description="撤下原因")


def install_document_routes(app: FastAPI, settings, get_assistant) -> None:
    def service() -> DocumentService:
        assistant = get_assistant()
        return DocumentService(settings, assistant.store, getattr(assistant, "services", None))

    def staff(credentials: HTTPBasicCredentials | None = Depends(_basic)) -> str:
        """The signed-in staff member, or 401 (the console's lockout and throttling apply)."""
        if credentials is None:
            raise _Unauthorized(M.STAFF_AUTH[0])
        accounts = StaffAccounts.from_settings(get_assistant().store, settings)
        result = accounts.sign_in(credentials.username, credentials.password, audit_success=False)
        if not result.ok:
            raise _Unauthorized(result.message)
        return result.username

    def today_of(value: str | None) -> date:
        return optional_day(value, "today") or date.today()

    @app.get("/api/staff/docs", tags=["staff"], summary="文档列表（工作人员）")
    def list_documents(q: str = Query("", max_length=100), status: str = Query("", max_length=20),
                       today: str | None = Query(None), user: str = Depends(staff)):
        return {"documents": service().list(today_of(today), query=q, status=status)}

    @app.post("/api/staff/docs", tags=["staff"], summary="添加文档（上传文件或粘贴正文）", status_code=201)
    async def add_document(request: Request, file: UploadFile | None = File(None, description=".pdf .docx .txt .md"),
                           text: str | None = Form(None, description="粘贴的正文（不上传文件时）"),
                           title: str | None = Form(None), publisher: str | None = Form(None),
                           date_: str | None = Form(None, alias="date"), region: str | None = Form(None),
                           kind: str | None = Form(None), url: str | None = Form(None),
                           valid_from: str | None = Form(None), valid_until: str | None = Form(None),
                           validity_note: str | None = Form(None), validity_quote: str | None = Form(None),
                           doc_id: str | None = Form(None), replaces: str | None = Form(None),
                           publish: bool = Form(False), user: str = Depends(staff)):
        meta = {k: v for k, v in {"title": title, "publisher": publisher, "date": date_, "region": region,
                                  "kind": kind, "url": url, "valid_from": valid_from, "valid_until": valid_until,
                                  "validity_note": validity_note, "validity_quote": validity_quote}.items()
                if v is not None}
        if file is None and text is None:
            raise InputError("请上传文件（file）或粘贴正文（text）", "file or text is required", field="file")
        if publish:
            check_metadata(meta, require=True)
        data = await file.read() if file is not None else None
        svc = service()
        result = svc.add(filename=file.filename if file is not None else None, data=data,
                         text=text if file is None else None, meta=meta, actor=user, doc_id=doc_id,
                         replaces=replaces)
        out = {"doc_id": result["doc_id"], "status": result["status"], "preview": result["preview"]}
        if publish:
            job = svc.publish(result["doc_id"], user)
            out["job"] = job.to_dict()
            out["status"] = svc.registry.get(result["doc_id"]).status
            if job.state == "failed":
                return SafeJSONResponse(mask_obj({**out, "error": job.error}), status_code=422)
        return SafeJSONResponse(mask_obj(out), status_code=201)

    @app.get("/api/staff/docs/{doc_id}", tags=["staff"], summary="一个文档：全文、预览、发布记录")
    def get_document(doc_id: str, today: str | None = Query(None), user: str = Depends(staff)):
        return SafeJSONResponse(mask_obj(service().get(doc_id, today_of(today))))

    @app.patch("/api/staff/docs/{doc_id}", tags=["staff"], summary="修改元数据或有效期")
    def change_document(doc_id: str, body: DocumentChange, wait: bool = Query(True), user: str = Depends(staff)):
        result = service().update(doc_id, body.model_dump(exclude_none=True), user, wait=wait)
        return _job_response(result, wait)

    @app.post("/api/staff/docs/{doc_id}/publish", tags=["staff"], summary="发布（重建索引，完成后可被问到）")
    def publish_document(doc_id: str, wait: bool = Query(True), user: str = Depends(staff)):
        svc = service()
        job = svc.publish(doc_id, user, wait=wait)
        record = svc.registry.get(doc_id)
        return _job_response({"doc_id": doc_id, "status": record.status if record else "", "job": job.to_dict()},
                             wait)

    @app.post("/api/staff/docs/{doc_id}/retire", tags=["staff"], summary="撤下（保留、标记，不再引用给市民）")
    def retire_document(doc_id: str, body: RetireRequest = Body(default_factory=RetireRequest),
                        wait: bool = Query(True), user: str = Depends(staff)):
        svc = service()
        job = svc.retire(doc_id, user, body.reason, wait=wait)
        record = svc.registry.get(doc_id)
        return _job_response({"doc_id": doc_id, "status": record.status if record else "", "job": job.to_dict()},
                             wait)

    @app.delete("/api/staff/docs/{doc_id}", tags=["staff"], summary="删除草稿")
    def delete_draft(doc_id: str, user: str = Depends(staff)):
        service().delete_draft(doc_id, user)
        return {"doc_id": doc_id, "deleted": True}

    @app.get("/api/staff/jobs/{job_id}", tags=["staff"], summary="发布任务的进度")
    def get_job(job_id: str, user: str = Depends(staff)):
        return service().job(job_id).to_dict()

    @app.exception_handler(_Unauthorized)
    async def unauthorized(_request, exc: _Unauthorized):
        return SafeJSONResponse({"error": exc.message_zh, "error_en": M.STAFF_AUTH[1]}, status_code=401,
                                headers={"WWW-Authenticate": 'Basic realm="policydesk staff"'})


class _Unauthorized(Exception):
    def __init__(self, message_zh: str):
        super().__init__(message_zh)
        self.message_zh = message_zh


def _job_response(result: dict, wait: bool) -> SafeJSONResponse:
    job = result.get("job") or {}
    if job.get("state") == "failed":
        return SafeJSONResponse(mask_obj({**result, "error": job.get("error")}), status_code=422)
    return SafeJSONResponse(mask_obj(result), status_code=200 if wait or not job else 202)

