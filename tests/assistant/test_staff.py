"""Staff accounts: Argon2 hashes, growing waits, lockout after five failures, a global limit
that stops guessing across usernames, and the audit log; the `policydesk staff` commands."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.staff import BAD_CREDENTIALS, STAFF_ATTEMPTS_PER_MINUTE, StaffAccounts
from assistant.store import Store
from policydesk.errors import InputError


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0
        self.slept: list[float] = []

    def __call__(self):
        return self.now

    def sleep(self, s):
        self.slept.append(s)


@pytest.fixture
def store(temp_home):
    s = Store(f"sqlite:///{temp_home / 'staff.sqlite3'}")
    yield s
    s.dispose()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(store, clock):
    a = StaffAccounts(store, max_failures=5, lockout_s=900, clock=clock, sleep=clock.sleep)
    a.set_password("li.hotline", "correct horse battery")
    return a


def test_passwords_are_stored_only_as_argon2id_hashes(accounts, store):
    row = store.staff_get("li.hotline")
    assert row["password_hash"].startswith("$argon2id$") and "correct horse" not in row["password_hash"]
    assert "password_hash" not in store.staff_list()[0]


def test_right_password_signs_in_and_is_audited(accounts, store):
    result = accounts.sign_in("li.hotline", "correct horse battery")
    assert result.ok and result.username == "li.hotline"
    assert [r["action"] for r in store.audit_list()][:2] == ["login", "staff_create"]


def test_unknown_user_and_wrong_password_get_the_same_answer(accounts):
    assert accounts.sign_in("nobody", "whatever-whatever").message == BAD_CREDENTIALS
    assert accounts.sign_in("li.hotline", "wrong-password").message == BAD_CREDENTIALS


def test_each_failure_waits_longer_and_the_fifth_locks_the_account(accounts, clock, store):
    for _ in range(4):
        assert not accounts.sign_in("li.hotline", "wrong-password").ok
    assert clock.slept == [0.25, 0.5, 1.0, 2.0]
    fifth = accounts.sign_in("li.hotline", "wrong-password")
    assert "锁定" in fifth.message and "15 分钟" in fifth.message
    locked = accounts.sign_in("li.hotline", "correct horse battery")
    assert not locked.ok and "锁定" in locked.message
    clock.now += 901   # the lockout runs out
    assert accounts.sign_in("li.hotline", "correct horse battery").ok
    actions = [r["action"] for r in store.audit_list(actor="li.hotline")]
    assert actions.count("login_failed") == 5 and actions.count("lockout") == 1
    assert actions.count("login_locked") == 1 and actions[0] == "login"


def test_unlock_by_an_administrator(accounts, store):
    for _ in range(5):
        accounts.sign_in("li.hotline", "wrong-password")
    accounts.unlock("li.hotline")
    assert accounts.sign_in("li.hotline", "correct horse battery").ok
    assert "staff_unlock" in [r["action"] for r in store.audit_list(actor="cli")]


def test_guessing_across_many_usernames_meets_the_global_limit(accounts, monkeypatch):
    import assistant.staff

    assert STAFF_ATTEMPTS_PER_MINUTE >= 10
    monkeypatch.setattr(assistant.staff, "STAFF_ATTEMPTS_PER_MINUTE", 6)   # fewer slow hashes to reach it
    for i in range(6):
        accounts.sign_in(f"user{i}", "guess-guess")
    blocked = accounts.sign_in("li.hotline", "correct horse battery")
    assert not blocked.ok and "频繁" in blocked.message


def test_a_disabled_account_cannot_sign_in(accounts):
    accounts.disable("li.hotline")
    assert accounts.sign_in("li.hotline", "correct horse battery").message == BAD_CREDENTIALS


@pytest.mark.parametrize("username, password, field", [
    ("li hotline", "long-enough-pw", "username"),
    ("x", "long-enough-pw", "username"),
    ("wang", "short", "password"),
    ("wang", "bad\x00password!", "password"),
])
def test_account_rules(accounts, username, password, field):
    with pytest.raises(InputError) as info:
        accounts.set_password(username, password)
    assert info.value.field == field


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-c", "from cli.main import main; main()", *args],
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_staff_commands_add_list_and_audit(temp_home):
    r = _cli("staff", "add", "zhao.hotline", "--display-name", "赵", "--password-stdin", "--json",
             stdin="a-long-password-1\n")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"username": "zhao.hotline", "created": True}
    listed = json.loads(_cli("staff", "list", "--json").stdout)
    assert [u["username"] for u in listed] == ["zhao.hotline"] and "password_hash" not in listed[0]
    audit = json.loads(_cli("staff", "audit", "--json").stdout)
    assert audit[0]["action"] == "staff_create" and audit[0]["target"] == "zhao.hotline"
    short = _cli("staff", "add", "qian", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "10" in short.stderr and "Traceback" not in short.stderr
