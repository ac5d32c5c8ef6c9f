"""Typed errors: each carries a Chinese message for citizens and an English one for logs."""
from __future__ import annotations


class PolicydeskError(Exception):
    """Base error. ``message_zh`` is shown to people; ``message_en`` goes to logs."""

    exit_code = 1
    http_status = 503

    def __init__(self, message_zh: str, message_en: str | None = None, *, field: str | None = None,
                 status: int | None = None):
        super().__init__(message_en or message_zh)
        self.message_zh = message_zh
        self.message_en = message_en or message_zh
        self.field = field
        if status is not None:
            self.http_status = status

    def to_dict(self) -> dict:
        out = {"error": self.message_zh, "error_en": self.message_en}
        if self.field:
            out["field"] = self.field
        return out

    def __str__(self) -> str:  # one line, both languages
        if self.message_en and self.message_en != self.message_zh:
            return f"{self.message_zh} ({self.message_en})"
        return self.message_zh


class InputError(PolicydeskError):
    """Bad input from a user: the CLI exits 2, the API answers 400 (or 422 for text that is
    not valid at all: broken encoding, control characters)."""

    exit_code = 2
    http_status = 400


class IndexMissingError(PolicydeskError):
    """The index has not been built yet."""

    def __init__(self, home: str):
        super().__init__(
            f"尚未建立政策索引，请先运行 policydesk ingest（目录：{home}）",
            f"no index under {home}: run `policydesk ingest` first",
        )


class BackendMissingError(PolicydeskError):
    """An optional backend is selected but its package is not installed."""

    def __init__(self, backend: str, install: str):
        super().__init__(
            f"所选后端 {backend} 未安装，请安装：{install}",
            f"backend {backend!r} is not installed: pip install {install}",
        )


class IngestError(PolicydeskError):
    """One source could not be ingested; names the file and the problem."""

    def __init__(self, source: str, problem_zh: str, problem_en: str):
        super().__init__(f"{source}：{problem_zh}", f"{source}: {problem_en}")
        self.source = source
