"""`policydesk calc NAME` — one subcommand per calculator, generated from
``calculators.registry.CALCULATORS`` so that flags, field names and validation stay one thing.

Flags are the field names in kebab-case; a bool field ``x`` is ``--x/--no-x`` (or its
declared opposite, e.g. ``--involuntary/--voluntary``). Values are passed as text and
validated by ``run_calculator``: bad input exits 2 with a message naming the field
(``{"error": ...}`` with --json), never a traceback."""
from __future__ import annotations

import click

from assistant.calculation import CalculatorService
from assistant.render import citation_lines
from calculators.registry import CALCULATORS, CalculatorSpec, Field
from cli.output import emit, handle_errors, json_option
from policydesk.settings import get_settings
from retrieval.documents import load_documents


@click.group()
def calc():
    """确定性计算器 / deterministic calculators (policydesk calc NAME --help)."""


def _option(f: Field):
    required = "（必填）" if f.required else ""
    bounds = f"（范围 {f.range_zh}）" if f.range_zh else ""
    choices = "；".join(f"{c.value}={c.label_zh}" for c in f.choices)
    text = f"{f.label_zh}{required}{bounds}{'（' + choices + '）' if choices else ''} / {f.help_en}"
    if f.type == "bool":
        off = f.false_aliases[0] if f.false_aliases else f"no_{f.name}"
        decls = f"--{f.name.replace('_', '-')}/--{off.replace('_', '-')}"
        return click.option(decls, f.name, default=None, help=text)
    metavar = {"date": "DATE", "int": "N", "float": "Y", "money": "YUAN", "choice": "|".join(c.value for c in f.choices)}[f.type]
    return click.option(f.flag, f.name, default=None, metavar=metavar, help=text)


def _print_human(result: dict) -> None:
    click.echo(f"【{result.get('title_zh', result.get('calculator'))}】{result['summary']}")
    if result.get("next_step"):
        click.echo(f"下一步：{result['next_step']}")
    for note in result.get("notes", []):
        click.echo(f"提示：{note['text']}")
    if result.get("history"):
        click.echo("历次发放：")
        for row in result["history"]:
            click.echo(f"  - {row['month']} {row['label']}：每人{row['amount_yuan']}元（{row['kind_zh']}）")
    for key, title in (("programs", "可能适用的政策"), ("possible", "需进一步确认")):
        if result.get(key):
            click.echo(f"{title}：")
            for p in result[key]:
                labels = [_label(result, m) for m in p.get("missing", [])]
                extra = f"（还需确认：{'、'.join(labels)}）" if labels else ""
                click.echo(f"  - {p['name']}：{p['why']}{extra}")
    click.echo("计算过程：")
    for i, step in enumerate(result.get("steps", []), 1):
        click.echo(f"  {i}. {step['text']}")
    click.echo("依据：")
    for line in citation_lines(result.get("citations", []), "  "):
        click.echo(line)


def _label(result: dict, field_name: str) -> str:
    try:
        return CALCULATORS[result["calculator"]].field(field_name).label_zh
    except KeyError:
        return field_name


def _service() -> CalculatorService:
    """The same calculators as the API: citations get their document's title and span when
    an index exists (the JSON of `policydesk calc` and POST /api/calculators/NAME agree)."""
    index = get_settings().index_dir
    return CalculatorService(lambda: {d.doc_id: d for d in load_documents(index)})


def _make_command(spec: CalculatorSpec) -> click.Command:
    def run(as_json, **inputs):
        result = _service().run(spec.name, {k: v for k, v in inputs.items() if v is not None})
        emit(result, as_json, _print_human)

    run.__doc__ = f"{spec.title_zh}：{spec.description}"
    command = handle_errors(run)
    for f in reversed(spec.fields):
        command = _option(f)(command)
    command = json_option(command)
    return click.command(name=spec.name, help=run.__doc__, short_help=spec.title_zh)(command)


for _spec in CALCULATORS.values():
    calc.add_command(_make_command(_spec))
