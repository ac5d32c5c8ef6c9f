"""`policydesk staff …` — hotline staff accounts (one per person), the audit log, and the
staff console app on its own port. Passwords are read from a hidden prompt (twice) or, for
scripts, from standard input with --password-stdin; never from the command line."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import click

from cli.output import emit, handle_errors, json_option
from policydesk.errors import InputError
from policydesk.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent


@click.group()
def staff():
    """热线工作人员账号与工作台 / staff accounts, audit log and the staff console."""


def _accounts():
    from assistant.service import get_assistant
    from assistant.staff import StaffAccounts

    return StaffAccounts.from_settings(get_assistant().store, get_settings())


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = click.prompt("密码 / password", hide_input=True)
    again = click.prompt("再输一次 / again", hide_input=True)
    if first != again:
        raise InputError("两次输入的密码不一致", "passwords do not match", field="password")
    return first


password_stdin = click.option("--password-stdin", is_flag=True, help="从标准输入读密码（一行）/ read the password from stdin")


@staff.command()
@click.argument("username")
@click.option("--display-name", default=None, help="显示名（例如姓名）/ name shown in the console")
@password_stdin
@json_option
@handle_errors
def add(username, display_name, password_stdin, as_json):
    """Create a staff account (or set its password again, unlocking it)."""
    created = _accounts().set_password(username, _read_password(password_stdin), display_name=display_name)
    emit({"username": username, "created": created}, as_json,
         lambda d: click.echo(("已建立账号：" if d["created"] else "已重设密码：") + d["username"]))


@staff.command()
@click.argument("username")
@json_option
@handle_errors
def disable(username, as_json):
    """Disable an account (its open sessions end at their next click)."""
    _accounts().disable(username)
    emit({"username": username, "active": False}, as_json, lambda d: click.echo("已停用：" + username))


@staff.command()
@click.argument("username")
@json_option
@handle_errors
def unlock(username, as_json):
    """Unlock an account locked after too many wrong passwords (and enable it)."""
    _accounts().unlock(username)
    emit({"username": username, "locked": False}, as_json, lambda d: click.echo("已解锁：" + username))


def _when(ts) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "—"


@staff.command(name="list")
@json_option
@handle_errors
def list_accounts(as_json):
    """List staff accounts (never their password hashes)."""
    rows = _accounts().store.staff_list()

    def human(data):
        for u in data:
            state = "启用" if u["active"] else "停用"
            if u.get("locked_until") and u["locked_until"] > dt.datetime.now().timestamp():
                state += "，锁定至 " + _when(u["locked_until"])
            click.echo(f"{u['username']}\t{u.get('display_name') or ''}\t{state}\t上次登录 {_when(u.get('last_login_at'))}")

    emit(rows, as_json, human)


@staff.command()
@click.option("-n", "limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@click.option("--user", default=None, help="只看这个用户 / only this account")
@json_option
@handle_errors
def audit(limit, user, as_json):
    """The audit log: sign-ins (and failures, lockouts) and edits, newest first."""
    rows = _accounts().store.audit_list(limit=limit, actor=user)

    def human(data):
        for r in data:
            click.echo(f"{_when(r['at'])}\t{r['actor']}\t{r['action']}\t{r.get('target') or ''}")

    emit(rows, as_json, human)


@staff.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="只在内网地址上提供 / bind address")
@click.option("--port", default=8502, show_default=True, type=click.IntRange(1, 65535))
def serve(host, port):
    """Serve the staff console (its own Streamlit app, separate from the citizen portal)."""
    command = [str(Path(sys.executable).parent / "streamlit"), "run", str(ROOT / "staff_app.py"),
               "--server.address", host, "--server.port", str(port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
    sys.exit(subprocess.call(command))
