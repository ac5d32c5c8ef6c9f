"""What every command shares: --json, printing, and bad input as one line with exit 2."""
from __future__ import annotations

import functools
import json
import sys

import click

from policydesk.errors import PolicydeskError


def emit(data, as_json: bool, human=None) -> None:
    """Print ``data`` as JSON, or through ``human(data)`` for people."""
    if as_json or human is None:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        human(data)


def handle_errors(fn):
    """Turn PolicydeskError into one line and its exit code; JSON when --json was given."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PolicydeskError as exc:
            if kwargs.get("as_json"):
                click.echo(json.dumps(exc.to_dict(), ensure_ascii=False))
            else:
                click.echo(f"错误：{exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


json_option = click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")

