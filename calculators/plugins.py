"""Finding the calculators: every module of this package that defines ``SPEC``, and every
``*.py`` in the folders of ``POLICYDESK_CALCULATORS_PATH`` (``os.pathsep``-separated), whose
``rules/*.yaml`` join the rule files. A deployment adds a calculator by dropping a module
and its rules file into such a folder; nothing else is edited.

Names must be unique: a second calculator of the same name is a deployment error."""
from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
from pathlib import Path

from policydesk.errors import PolicydeskError

ENV = "POLICYDESK_CALCULATORS_PATH"
PACKAGE_DIR = Path(__file__).resolve().parent
# Modules of the package that are machinery, not calculators (importing them is pointless).
_MACHINERY = {"registry", "plugins", "spec", "say", "rules", "trace", "money", "periods"}


class CalculatorLoadError(PolicydeskError):
    """A calculator module could not be loaded or clashes with another (deployment)."""


def extra_folders() -> list[Path]:
    raw = os.environ.get(ENV, "")
    return [Path(p).expanduser().resolve() for p in raw.split(os.pathsep) if p.strip()]


def extra_rule_dirs() -> tuple[Path, ...]:
    return tuple(f / "rules" for f in extra_folders() if (f / "rules").is_dir())


def _package_modules():
    for info in pkgutil.iter_modules([str(PACKAGE_DIR)]):
        if info.name not in _MACHINERY and not info.name.startswith("_"):
            yield importlib.import_module(f"calculators.{info.name}")


def _folder_modules(folder: Path):
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"policydesk_calculator_{abs(hash(str(path)))}_{path.stem}"
        if name in sys.modules:
            yield sys.modules[name]
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise CalculatorLoadError(f"计算器模块 {path} 无法加载", f"cannot load calculator {path}: {exc}") from exc
        yield module


def discover() -> dict:
    """{name: CalculatorSpec}, ordered by each spec's ``order`` then name."""
    specs = {}
    modules = list(_package_modules())
    for folder in extra_folders():
        modules.extend(_folder_modules(folder))
    for module in modules:
        spec = getattr(module, "SPEC", None)
        if spec is None:
            continue
        if spec.name in specs:
            raise CalculatorLoadError(f"计算器 {spec.name} 重复定义", f"calculator {spec.name} defined twice")
        specs[spec.name] = spec
    return dict(sorted(specs.items(), key=lambda kv: (kv[1].order, kv[0])))
