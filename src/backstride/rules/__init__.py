"""The rule catalogue: every rule of the guidance as data (id, parameters with units, source).

Rules live in ``rules/data/*.toml``, loaded once by a strict loader; code reads
numbers by rule id (``catalogue.value("W-START", "fraction")``), so every
number can be seen and tuned in one place, and every decision can cite the
rule that made it.
"""

from __future__ import annotations

from backstride.rules.catalogue import (
    Bound,
    Catalogue,
    CatalogueError,
    Override,
    Parameter,
    Rule,
    default_catalogue,
    load_catalogue,
)

__all__ = [
    "Bound",
    "Catalogue",
    "CatalogueError",
    "Override",
    "Parameter",
    "Rule",
    "default_catalogue",
    "load_catalogue",
]
