"""Discovers the rules: every module in linter.rules (the rules/ folder) that defines RULE."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from linter.rule import Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    import linter.rules as package

    rules = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"linter.rules.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            rules.append(rule)
    return tuple(sorted(rules, key=lambda r: r.id))


def get_rule(rule_id: str) -> Rule | None:
    wanted = rule_id.upper()
    return next((r for r in all_rules() if r.id == wanted or r.name == rule_id), None)
