"""Rules as data: dated parameters read from ``calculators/rules/*.yaml``.

Each parameter has a Chinese ``label``, a ``unit``, a ``reference`` and ``values`` keyed by
effective date (openfisca style), and may carry ``statements``: the sentences an answer says
about the rule (so no policy sentence is written in Python). A value of ``null`` ends a rule. A value may be a plain
scalar/list or a mapping ``{value, period?, label?, reference?}`` whose reference overrides the
parameter's. A reference is either a corpus quote ``{doc_id, quote}`` (verbatim in the cleaned
document) or a national statute article ``{statute, article}`` (《劳动合同法》, 第十九条) with,
where one clause is meant, its verbatim ``phrase``. No statute wording is kept here: the
assistant cuts the text shown from the ingested statute (assistant/citations.py), and a test
proves every article exists in corpus/statutes and every phrase is verbatim in it.

``param(name, on=date)`` returns the value in force on that date with its date key and
reference; ``on=None`` means the latest value. Nothing here reads a clock.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from calculators.plugins import extra_rule_dirs
from policydesk.errors import PolicydeskError

RULES_DIR = Path(__file__).resolve().parent / "rules"
PROGRAMS_FILE = "benefit_programs.yaml"
SPECIAL_FILES = {PROGRAMS_FILE}
_ARTICLE = re.compile(r"^第[〇零一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?$")

UNIT_ZH = {
    "month": "个月",
    "year": "年",
    "day": "天",
    "yuan": "元",
    "yuan_per_month": "元/月",
    "percent": "%",
    "hour": "小时",
    "times": "倍",
    "day_per_month": "天/月",
    "month_of_pay": "个月工资",
    "date": "",
    "bool": "",
    "text": "",
    "categories": "",
}


class RuleError(PolicydeskError):
    """The rule files are inconsistent (a deployment problem, not a user's)."""


@dataclass(frozen=True)
class ParamValue:
    """One parameter as read on a date: what the trace records."""

    name: str
    value: Any
    date_key: dt.date | None
    unit: str
    label: str
    reference: dict
    period: str | None = None
    value_label: str | None = None
    item_format: str | None = None  # how one item of a list value reads in Chinese
    statements: dict = field(default_factory=dict)  # sentences an answer says about this rule

    def to_step(self) -> dict:
        """The trace entry: parameter, date key, value, unit, label, reference, Chinese text."""
        return {
            "kind": "parameter",
            "name": self.name,
            "label": self.label,
            "value": jsonable(self.value),
            "unit": self.unit,
            "date_key": self.date_key.isoformat() if self.date_key else None,
            "reference": dict(self.reference),
            "text": self.describe(),
        }

    def describe(self) -> str:
        since = f"（自{self.date_key.isoformat()}起）" if self.date_key else "（暂无规定值）"
        if self.item_format and isinstance(self.value, list):
            shown = "；".join(self.item_format.format(**item) if isinstance(item, dict)
                             else self.item_format.format(item) for item in self.value)
        else:
            shown = format_value(self.value, self.unit)
        return f"读取规则“{self.label}”{since}：{shown}；依据：{reference_text(self.reference)}"


@dataclass
class Parameter:
    name: str
    label: str
    unit: str
    reference: dict
    values: list[tuple[dt.date, dict]] = field(default_factory=list)  # sorted by date
    kind: str | None = None
    item_format: str | None = None
    statements: dict = field(default_factory=dict)

    def at(self, on: dt.date | str | None = None) -> ParamValue:
        on = to_date(on) if on is not None else None
        chosen: tuple[dt.date, dict] | None = None
        for key, entry in self.values:
            if on is None or key <= on:
                chosen = (key, entry)
        if chosen is None:
            return ParamValue(self.name, None, None, self.unit, self.label, self.reference,
                              item_format=self.item_format, statements=self.statements)
        key, entry = chosen
        return self._value(key, entry)

    def history(self) -> list[ParamValue]:
        """Every non-null dated value, oldest first (e.g. the rounds of a benefit)."""
        return [self._value(k, e) for k, e in self.values if e["value"] is not None]

    def _value(self, key: dt.date, entry: dict) -> ParamValue:
        return ParamValue(
            name=self.name,
            value=entry["value"],
            date_key=key,
            unit=self.unit,
            label=self.label,
            reference=entry.get("reference") or self.reference,
            period=entry.get("period"),
            value_label=entry.get("label"),
            item_format=self.item_format,
            statements=self.statements,
        )


def to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def format_value(value: Any, unit: str) -> str:
    if value is None:
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "；".join(format_value(v, unit) if not isinstance(v, dict) else
                        "，".join(f"{k}={jsonable(x)}" for k, x in v.items()) for v in value)
    return f"{value}{UNIT_ZH.get(unit, '')}"


def reference_text(reference: dict) -> str:
    if "statute" in reference:
        return f"{reference['statute']}{reference['article']}"
    return f"“{reference['quote']}”（{reference['doc_id']}）"


def citation(reference: dict) -> dict:
    """The citation form of a reference: ``{doc_id, quote}`` or ``{statute, article[, phrase]}``
    (the assistant adds the verbatim quote from the ingested statute)."""
    if "statute" in reference:
        out = {"statute": reference["statute"], "article": reference["article"]}
        if reference.get("phrase"):
            out["phrase"] = reference["phrase"]
        return out
    return {"doc_id": reference["doc_id"], "quote": reference["quote"]}


# ---------------------------------------------------------------- loading

def _check_reference(ref: Any, where: str) -> dict:
    if not isinstance(ref, dict):
        raise RuleError(f"规则 {where} 缺少依据", f"rule {where}: missing reference")
    if "statute" in ref:
        statute, article = str(ref.get("statute") or ""), str(ref.get("article") or "")
        if not (statute.startswith("《") and statute.endswith("》") and _ARTICLE.match(article)):
            raise RuleError(f"规则 {where} 引用法条应写作 statute: 《名称》、article: 第…条",
                            f"rule {where}: statute reference needs statute 《…》 and article 第…条: {ref}")
        out = {"statute": statute, "article": article}
        if ref.get("phrase"):
            out["phrase"] = str(ref["phrase"])
        return out
    if ref.get("doc_id") and ref.get("quote"):
        return {"doc_id": str(ref["doc_id"]), "quote": str(ref["quote"])}
    raise RuleError(f"规则 {where} 的依据不完整", f"rule {where}: reference needs doc_id+quote or statute+article")


def _parse_parameter(name: str, raw: dict) -> Parameter:
    for key in ("label", "unit", "reference", "values"):
        if key not in raw:
            raise RuleError(f"规则 {name} 缺少 {key}", f"rule {name}: missing {key}")
    reference = _check_reference(raw["reference"], name)
    values = []
    for key, entry in (raw["values"] or {}).items():
        when = to_date(key)
        if isinstance(entry, dict) and "value" in entry:
            entry = dict(entry)
            if "reference" in entry:
                entry["reference"] = _check_reference(entry["reference"], f"{name}@{when}")
            if entry.get("period") is not None:
                entry["period"] = str(entry["period"])
        else:
            entry = {"value": entry}
        values.append((when, entry))
    values.sort(key=lambda kv: kv[0])
    statements = raw.get("statements") or {}
    if not isinstance(statements, dict) or not all(isinstance(v, str) and v for v in statements.values()):
        raise RuleError(f"规则 {name} 的 statements 应为“名称: 句子”", f"rule {name}: statements must map names to sentences")
    return Parameter(name=name, label=str(raw["label"]), unit=str(raw["unit"]), reference=reference,
                     values=values, kind=raw.get("kind"), item_format=raw.get("item_format"),
                     statements=dict(statements))


@lru_cache(maxsize=None)
def _load(rules_dir: str, extra_dirs: tuple[str, ...] = ()) -> tuple[dict[str, Parameter], dict]:
    base = Path(rules_dir)
    parameters: dict[str, Parameter] = {}
    paths = sorted(base.glob("*.yaml")) + [p for d in extra_dirs for p in sorted(Path(d).glob("*.yaml"))]
    for path in paths:
        if path.parent == base and path.name in SPECIAL_FILES:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, raw in data.items():
            if name in parameters:
                raise RuleError(f"规则 {name} 重复定义", f"rule {name} defined twice")
            parameters[name] = _parse_parameter(name, raw)
    path = base / PROGRAMS_FILE
    programs = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    for item in list(programs.get("programs", [])) + list(programs.get("facts", {}).values()):
        item["citations"] = [_check_reference(r, item.get("id", "fact")) for r in item.get("citations", [])]
    return parameters, programs


def _dirs(rules_dir: Path | None) -> tuple[str, tuple[str, ...]]:
    """The package's rules folder (or ``rules_dir``) plus those of added calculator folders."""
    if rules_dir is not None:
        return str(rules_dir), ()
    return str(RULES_DIR), tuple(str(d) for d in extra_rule_dirs())


def parameters(rules_dir: Path | None = None) -> dict[str, Parameter]:
    params, _programs = _load(*_dirs(rules_dir))
    return params


def benefit_programs(rules_dir: Path | None = None) -> dict:
    """``{"facts": {...}, "programs": [...]}`` from ``rules/benefit_programs.yaml``."""
    _params, programs = _load(*_dirs(rules_dir))
    return programs


def parameter(name: str) -> Parameter:
    try:
        return parameters()[name]
    except KeyError:
        raise RuleError(f"没有名为 {name} 的规则", f"unknown rule parameter {name}") from None


def param(name: str, on: dt.date | str | None = None) -> ParamValue:
    """The value of parameter ``name`` in force on date ``on`` (latest value when None)."""
    return parameter(name).at(on)


def reload_rules() -> None:
    """Forget cached rule files (after a rule update)."""
    _load.cache_clear()


def all_references() -> list[tuple[str, dict]]:
    """Every reference in the rules, with where it is used (for tests and audits)."""
    out: list[tuple[str, dict]] = []
    for name, p in parameters().items():
        out.append((name, p.reference))
        for key, entry in p.values:
            if entry.get("reference"):
                out.append((f"{name}@{key}", entry["reference"]))
    data = benefit_programs()
    for fact, spec in data.get("facts", {}).items():
        out.extend((f"fact:{fact}", r) for r in spec["citations"])
    for program in data.get("programs", []):
        out.extend((f"program:{program['id']}", r) for r in program["citations"])
    return out


def statute_citations(prefix: str) -> list[dict]:
    """The national-law articles behind the parameters named ``prefix.*``, once each, in
    rule-file order: what a general answer about that calculator's rules can quote."""
    out: list[dict] = []
    for name, p in parameters().items():
        if name.startswith(prefix + ".") and "statute" in p.reference:
            c = {"statute": p.reference["statute"], "article": p.reference["article"]}  # the whole article
            if c not in out:
                out.append(c)
    return out
