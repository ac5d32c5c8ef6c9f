"""Hotline staff accounts: one account per person, Argon2id password hashes (argon2-cffi),
sign-in throttling and lockout, and an audit log of sign-ins and edits.

Rules (settings): after ``staff_max_failures`` wrong passwords in a row an account is locked
for ``staff_lockout_s`` seconds; every failure also waits a little longer than the last
(0.25 s, 0.5 s, 1 s … at most 2 s) before answering; all sign-in attempts together are
limited per minute (``STAFF_ATTEMPTS_PER_MINUTE``), which also stops guessing across many
usernames. A sign-in answers the same way for an unknown user and a wrong password."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from policydesk.errors import InputError
from policydesk.inputs import check_text

STAFF_ATTEMPTS_PER_MINUTE = 30
MIN_PASSWORD_CHARS = 10
USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,64}")

_hasher = PasswordHasher()
# Verified when the username does not exist, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("policydesk-no-such-user")

BAD_CREDENTIALS = "用户名或密码不正确。"
LOCKED = "该账号因多次输错密码已被暂时锁定，请 {minutes} 分钟后再试，或请管理员解锁（policydesk staff unlock）。"
TOO_MANY = "登录尝试过于频繁，请稍等一分钟再试。"


@dataclass
class SignIn:
    ok: bool
    message: str = ""
    username: str | None = None
    display_name: str | None = None


def check_username(username: str) -> str:
    username = (username or "").strip()
    check_text(username, "username", "用户名")
    if not USERNAME.fullmatch(username):
        raise InputError("用户名只能由 2–64 个字母、数字、下划线、点或短横线组成",
                         "username must be 2-64 of [A-Za-z0-9_.-]", field="username")
    return username


def check_password(password: str) -> str:
    check_text(password, "password", "密码")
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise InputError(f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符", f"password shorter than {MIN_PASSWORD_CHARS}",
                         field="password")
    return password


class StaffAccounts:
    def __init__(self, store, *, max_failures: int = 5, lockout_s: int = 900,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep):
        self.store = store
        self.max_failures = max(1, max_failures)
        self.lockout_s = lockout_s
        self.clock, self.sleep = clock, sleep

    @classmethod
    def from_settings(cls, store, settings, **kw) -> "StaffAccounts":
        return cls(store, max_failures=settings.staff_max_failures, lockout_s=settings.staff_lockout_s, **kw)

    # -- administration (CLI) --------------------------------------------------------------
    def set_password(self, username: str, password: str, *, display_name: str | None = None,
                     actor: str = "cli") -> bool:
        username = check_username(username)
        created = self.store.staff_put(username, _hasher.hash(check_password(password)), display_name)
        self.store.audit(actor, "staff_create" if created else "staff_password", username)
        return created

    def disable(self, username: str, actor: str = "cli") -> None:
        self._require(username)
        self.store.staff_update(username, active=False)
        self.store.audit(actor, "staff_disable", username)

    def unlock(self, username: str, actor: str = "cli") -> None:
        self._require(username)
        self.store.staff_update(username, failed_count=0, locked_until=None, active=True)
        self.store.audit(actor, "staff_unlock", username)

    def _require(self, username: str) -> dict:
        user = self.store.staff_get(username)
        if user is None:
            raise InputError(f"没有用户名为“{username[:64]}”的工作人员账号", "no such staff account", field="username")
        return user

    def has_accounts(self) -> bool:
        return any(u.get("active") for u in self.store.staff_list())

    # -- signing in --------------------------------------------------------------------
    def sign_in(self, username: str, password: str, *, audit_success: bool = True) -> SignIn:
        """Check a password with throttling and lockout. ``audit_success=False`` (a script
        calling the staff API with each request) audits failures only: its actions are
        audited themselves."""
        username = (username or "").strip()[:64]
        if not USERNAME.fullmatch(username):
            username = ""   # never an account; audited as "-" rather than as typed
        now = self.clock()
        try:
            if self.store.rate_hit("staff-sign-in", 60, now=now) > STAFF_ATTEMPTS_PER_MINUTE:
                self.store.audit(username or "-", "login_throttled")
                return SignIn(False, TOO_MANY)
        except Exception:  # a counter outage must not lock staff out; lockout still applies
            pass
        user = self.store.staff_get(username) if username else None
        if user and user.get("locked_until") and user["locked_until"] > now:
            self.store.audit(username, "login_locked")
            minutes = max(1, int((user["locked_until"] - now + 59) // 60))
            return SignIn(False, LOCKED.format(minutes=minutes))
        if not self._verify(user, password):
            return self._failed(user, username)
        updates = {"failed_count": 0, "locked_until": None, "last_login_at": now}
        if _hasher.check_needs_rehash(user["password_hash"]):
            updates["password_hash"] = _hasher.hash(password)
        self.store.staff_update(username, **updates)
        if audit_success:
            self.store.audit(username, "login")
        return SignIn(True, "", username, user.get("display_name") or username)

    def _verify(self, user: dict | None, password: str) -> bool:
        if not isinstance(password, str) or not password:
            return False
        try:
            _hasher.verify(user["password_hash"] if user and user.get("active") else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return bool(user and user.get("active"))

    def _failed(self, user: dict | None, username: str) -> SignIn:
        failures = self.store.staff_record_failure(username) if user else 1
        self.store.audit(username or "-", "login_failed")
        if user and failures >= self.max_failures:
            self.store.staff_update(username, failed_count=0, locked_until=self.clock() + self.lockout_s)
            self.store.audit(username, "lockout", detail={"after_failures": failures})
            self.sleep(_delay(failures))
            return SignIn(False, LOCKED.format(minutes=max(1, self.lockout_s // 60)))
        self.sleep(_delay(failures))
        return SignIn(False, BAD_CREDENTIALS)


def _delay(failures: int) -> float:
    return min(2.0, 0.25 * 2 ** (max(1, failures) - 1))
