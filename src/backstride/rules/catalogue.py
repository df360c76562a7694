"""Loading and reading the rule catalogue."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "ADJUST_KINDS",
    "Bound",
    "Catalogue",
    "CatalogueError",
    "Override",
    "Parameter",
    "Rule",
    "default_catalogue",
    "load_catalogue",
]

_ARTICLE = re.compile(r"\b00[0-9]\b")
SECTIONS = ("triage", "pain", "dose", "kind", "around", "backstride")
LEVELS = ("none", "see_clinician", "see_clinician_soon", "emergency")
_RULE_KEYS = {"id", "title", "section", "summary", "source", "parameters", "level", "stops_running"}
_REQUIRED = ("id", "title", "section", "summary", "source")
_PARAM_KEYS = {"value", "unit", "description"}


class CatalogueError(ValueError):
    """A rule file is malformed; the message names the file, the rule and the key."""


ADJUST_KINDS = ("fraction", "whole", "number", "yes_no")


@dataclass(frozen=True, slots=True)
class Bound:
    """How far a clinician may move one number for one runner, and why the bound is where it is."""

    lo: float
    hi: float
    kind: str  # one of ADJUST_KINDS: how the number is read and shown
    why: str
    label: str = ""  # how a yes/no number is named in the plan ("stairs: no"); numbers go by their own name


@dataclass(frozen=True, slots=True)
class Parameter:
    """One number of a rule, with its unit, what it means, and (when a physio may change it) its bound."""

    value: float
    unit: str
    description: str
    adjust: Bound | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the guidance."""

    id: str
    title: str
    section: str
    summary: str
    source: str
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    level: str | None = None  # triage rules: the level they set
    stops_running: bool = False  # triage rules: whether running stops

    def to_json_dict(self) -> dict[str, Any]:
        """The rule as plain JSON data: id, title, source and its numbers (flat and with units)."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "summary": self.summary,
            "source": self.source,
        }
        if self.level is not None:
            out["level"] = self.level
            out["stops_running"] = self.stops_running
        for name, p in self.parameters.items():
            out[name] = p.value
        out["parameters"] = {
            name: {"value": p.value, "unit": p.unit, "description": p.description}
            for name, p in self.parameters.items()
        }
        return out


@dataclass(frozen=True, slots=True)
class Override:
    """A clinician's named change to one number, kept beside the cited default."""

    rule_id: str
    parameter: str
    value: float
    default: float
    reason: str


class Catalogue:
    """The loaded rules, read by id. Immutable: adjustments make a new catalogue."""

    def __init__(self, rules: Iterable[Rule], overrides: tuple[Override, ...] = (),
                 sources: Mapping[str, str] | None = None) -> None:
        self._rules: Mapping[str, Rule] = MappingProxyType({r.id: r for r in rules})
        self._values = {(r.id, name): p.value for r in self._rules.values() for name, p in r.parameters.items()}
        self.overrides = overrides
        self.sources: Mapping[str, str] = MappingProxyType(dict(sources or {}))
        self._sources: dict[str, str] = {}  # expanded source texts, by rule id

    def __iter__(self) -> Any:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError names it when unknown)."""
        try:
            return self._rules[rule_id]
        except KeyError:
            raise KeyError(f"no rule {rule_id!r} in the catalogue") from None

    def value(self, rule_id: str, parameter: str) -> float:
        """A rule's number, by rule id and parameter name."""
        try:
            return self._values[(rule_id, parameter)]
        except KeyError:
            self.rule(rule_id)
            raise KeyError(f"rule {rule_id} has no parameter {parameter!r}") from None

    def source(self, rule_id: str) -> str:
        """Where a rule comes from, with article numbers spelled out as their titles."""
        cached = self._sources.get(rule_id)
        if cached is None:
            cached = self._sources[rule_id] = self._expand(self.rule(rule_id).source)
        return cached

    def _expand(self, text: str) -> str:
        return _ARTICLE.sub(lambda m: f"{m.group(0)} \"{self.sources[m.group(0)]}\""
                            if m.group(0) in self.sources and self.sources[m.group(0)] not in text else m.group(0),
                            text)

    def with_overrides(self, changes: Mapping[tuple[str, str], float], reason: str) -> Catalogue:
        """A copy with some numbers changed (a clinician's adjustment); the defaults stay cited."""
        rules = dict(self._rules)
        made = list(self.overrides)
        for (rule_id, name), value in sorted(changes.items()):
            rule = rules[rule_id]  # the copy so far: a second number in the same rule keeps the first
            old = self.value(rule_id, name)
            params = dict(rule.parameters)
            params[name] = replace(params[name], value=float(value))
            rules[rule_id] = replace(rule, parameters=MappingProxyType(params))
            made.append(Override(rule_id, name, float(value), old, reason))
        return Catalogue(rules.values(), tuple(made), self.sources)


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 0


def _parse_bound(raw: Any, value: float, at: str) -> Bound:
    """A parameter's ``adjust = { lo, hi, kind, why[, label] }``: its bounds must hold the cited value."""
    if not isinstance(raw, dict) or not {"lo", "hi", "kind", "why"} <= set(raw) <= {"lo", "hi", "kind", "why",
                                                                                     "label"}:
        raise CatalogueError(f"{at}: adjust needs lo, hi, kind and why (and optionally label)")
    lo, hi = raw["lo"], raw["hi"]
    if any(isinstance(x, bool) or not isinstance(x, int | float) for x in (lo, hi)) or not lo <= value <= hi:
        raise CatalogueError(f"{at}: adjust's lo and hi must be numbers around the cited value {value:g}")
    if raw["kind"] not in ADJUST_KINDS:
        raise CatalogueError(f"{at}: adjust's kind must be one of {list(ADJUST_KINDS)}")
    if not isinstance(raw["why"], str) or not raw["why"].strip():
        raise CatalogueError(f"{at}: adjust needs a why")
    return Bound(float(lo), float(hi), raw["kind"], raw["why"], str(raw.get("label", "")))


def _parse_rule(raw: Any, where: str, text: str) -> Rule:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: each [[rule]] must be a table")
    rid = raw.get("id")
    line = _line_of(text, f'"{rid}"') if isinstance(rid, str) else 0
    at = f"{where}:{line} rule {rid!r}" if line else f"{where} rule {rid!r}"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise CatalogueError(f"{at}: unknown key(s) {sorted(unknown)}")
    for key in _REQUIRED:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CatalogueError(f"{at}: '{key}' is required and must be non-empty text")
    if raw["section"] not in SECTIONS:
        raise CatalogueError(f"{at}: section must be one of {list(SECTIONS)}")
    level = raw.get("level")
    if raw["section"] == "triage":
        if level not in LEVELS:
            raise CatalogueError(f"{at}: a triage rule needs 'level', one of {list(LEVELS)}")
        if not isinstance(raw.get("stops_running"), bool):
            raise CatalogueError(f"{at}: a triage rule needs 'stops_running' = true or false")
    elif level is not None or "stops_running" in raw:
        raise CatalogueError(f"{at}: only triage rules have 'level' and 'stops_running'")
    params: dict[str, Parameter] = {}
    for name, p in (raw.get("parameters") or {}).items():
        if not isinstance(p, dict) or not _PARAM_KEYS <= set(p) <= _PARAM_KEYS | {"adjust"}:
            raise CatalogueError(f"{at}: parameter {name!r} needs exactly value, unit and description "
                                 "(and optionally adjust)")
        value = p["value"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CatalogueError(f"{at}: parameter {name!r} value must be a number")
        if not isinstance(p["unit"], str) or not p["unit"].strip():
            raise CatalogueError(f"{at}: parameter {name!r} needs a unit")
        if not isinstance(p["description"], str) or not p["description"].strip():
            raise CatalogueError(f"{at}: parameter {name!r} needs a description")
        adjust = _parse_bound(p["adjust"], float(value), f"{at}: parameter {name!r}") if "adjust" in p else None
        params[name] = Parameter(float(value), p["unit"], p["description"], adjust)
    if raw["section"] == "triage" and any(p.adjust is not None for p in params.values()):
        raise CatalogueError(f"{at}: triage and the red flags are never adjustable (no 'adjust' here)")
    return Rule(
        id=raw["id"], title=raw["title"], section=raw["section"], summary=raw["summary"],
        source=raw["source"], parameters=MappingProxyType(params), level=level,
        stops_running=bool(raw.get("stops_running", False)),
    )


def load_catalogue(files: Iterable[Path] | None = None) -> Catalogue:
    """Load and check rule files (default: the ones shipped with backstride).

    Unknown or duplicate keys, a missing source, a parameter without a unit:
    :class:`CatalogueError` naming the file, the line and the rule.
    """
    if files is None:
        folder = resources.files("backstride.rules") / "data"
        texts = [(entry.name, entry.read_text(encoding="utf-8"))
                 for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".toml")]
    else:
        texts = [(Path(f).name, Path(f).read_text(encoding="utf-8")) for f in files]
    rules: list[Rule] = []
    sources: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, text in texts:
        try:
            data = tomllib.loads(text)  # tomllib itself refuses duplicate keys
        except tomllib.TOMLDecodeError as exc:
            raise CatalogueError(f"{name}: {exc}") from None
        extra = set(data) - {"rule", "sources"}
        if extra:
            raise CatalogueError(f"{name}: unknown top-level key(s) {sorted(extra)}")
        for key, title in data.get("sources", {}).items():
            if not isinstance(title, str) or not title.strip():
                raise CatalogueError(f"{name}: source {key!r} needs a title")
            sources[key] = title
        for raw in data.get("rule", []):
            rule = _parse_rule(raw, name, text)
            if rule.id in seen:
                raise CatalogueError(f"{name}: rule {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = name
            rules.append(rule)
    for rule in rules:
        for code in _ARTICLE.findall(rule.source):
            if sources and code not in sources:
                raise CatalogueError(f"rule {rule.id}: source {code} is not one of the listed articles")
    return Catalogue(rules, sources=sources)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once."""
    return load_catalogue()
