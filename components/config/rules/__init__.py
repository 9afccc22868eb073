"""Cross-field rules of the stack config: one module per area, each rule a small named function.

To add a rule, write a function `(cfg) -> Iterator[Problem]` next to the others of its area and decorate it
with `@rule` (see `registry.py`); nothing else needs to change. Problems are reported in the order of
`AREAS`, then in the order the rules are defined in their module.
"""

from importlib import import_module

from components.config.rules.registry import RULES, Rule, check, rule

#: The area modules of this package, in the order their problems are reported.
AREAS = ("zone", "access", "redirects", "tls", "cache", "waf", "email", "secrets", "monitoring", "regions",
         "limits")

for _area in AREAS:
    import_module(f"{__name__}.{_area}")

__all__ = ["AREAS", "RULES", "Rule", "check", "rule"]
