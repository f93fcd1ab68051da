"""Header matching: from the CSV header and the user's mapping to a column plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemas.aliases import ALIASES, CANDIDATE_FIELDS, MOBILE_ALIASES, STANDARD_FIELDS

_SEPARATORS = re.compile(r"[\s_.\-]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^\w]+")


def canonical(header: str) -> str:
    """`Phone Number`, `phone_number`, `phoneNumber`, `PHONE-NUMBER` -> `phonenumber`."""
    return _SEPARATORS.sub("", header).casefold()


def snake_case(header: str) -> str:
    """`Appt Date` -> `appt_date`; `apptDate` -> `appt_date`."""
    spaced = _CAMEL.sub("_", header.strip())
    return _NON_WORD.sub("_", spaced).strip("_").lower()


_ALIAS_RANK: dict[str, tuple[str, int]] = {
    canonical(alias): (field_name, rank)
    for field_name, aliases in ALIASES.items()
    for rank, alias in enumerate(aliases)
}
_FIELD_BY_CANONICAL = {canonical(f): f for f in STANDARD_FIELDS}
_MOBILE = {canonical(a) for a in MOBILE_ALIASES}


@dataclass(frozen=True)
class Column:
    """One CSV column and where its values go."""

    index: int
    header: str
    variable: str  # the name its values take among a row's variables
    target: str | None = None  # standard field or variable name; None: dropped
    how: str | None = None  # mapping / alias / words / content, for standard fields
    priority: int = 0  # among candidates of one field: lower is tried first


@dataclass
class ColumnPlan:
    """The resolved columns of one file."""

    columns: list[Column]
    warnings: list[str] = field(default_factory=list)

    def candidates(self, field_name: str) -> list[Column]:
        """Columns holding candidates for phone_number or email, in the order rows try them."""
        found = [c for c in self.columns if c.target == field_name]
        return sorted(found, key=lambda c: (c.priority, c.index))

    def field_column(self, field_name: str) -> Column | None:
        """The single column of a non-candidate standard field."""
        return next((c for c in self.columns if c.target == field_name), None)

    def variable_columns(self) -> list[Column]:
        """Columns whose values become campaign variables."""
        return [c for c in self.columns if c.target is not None and c.how is None]

    def summary_columns(self) -> dict[str, str | None]:
        """SPEC `summary.columns`: header -> field or variable name (None when dropped)."""
        return {c.header: c.target for c in self.columns}

    def resolution(self) -> dict[str, str]:
        """SPEC `summary.resolution`: header -> how it was resolved to a standard field."""
        return {c.header: c.how for c in self.columns if c.how is not None}

    def with_column(self, column: Column) -> ColumnPlan:
        """A copy with one column replaced (same index)."""
        columns = [column if c.index == column.index else c for c in self.columns]
        return ColumnPlan(columns, list(self.warnings))


def _unique_variable_names(headers: list[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for index, header in enumerate(headers):
        base = snake_case(header) or f"column_{index + 1}"
        name, n = base, 2
        while name in seen:
            name, n = f"{base}_{n}", n + 1
        seen.add(name)
        names.append(name)
    return names


def _mapping_target(target: str | None) -> tuple[str | None, bool]:
    """(target name, is standard field) for a mapping value; None drops the column."""
    if target is None or not str(target).strip():
        return None, False
    text = str(target).strip()
    standard = _FIELD_BY_CANONICAL.get(canonical(text))
    return (standard, True) if standard else (text, False)


def _match_mapping(headers: list[str], mapping: dict[str, str | None]) -> tuple[dict, list[str]]:
    """Mapping keys matched to column indexes: exactly first, then by canonical form."""
    by_canonical: dict[str, int] = {}
    for index, header in enumerate(headers):
        by_canonical.setdefault(canonical(header), index)
    matched: dict[int, str | None] = {}
    warnings = []
    for key, target in mapping.items():
        index = headers.index(key) if key in headers else by_canonical.get(canonical(key))
        if index is None:
            warnings.append(f"mapping key {key!r} is not in the header")
        else:
            matched[index] = target
    return matched, warnings


def candidate_priority(field_name: str, header: str, how: str) -> int:
    """Order of candidate columns: mapped, then mobile/cell, then primary, then the rest."""
    if how == "mapping":
        return 0
    key = canonical(header)
    if field_name == "phone_number":
        if key in _MOBILE or "mobile" in key or "cell" in key:
            return 1
        return 2 if ("primary" in key or "main" in key) else 3
    if "primary" in key or re.search(r"1(?!\d)", key):
        return 2
    return 3


def resolve(headers: list[str], mapping: dict[str, str | None] | None = None) -> ColumnPlan:
    """Resolve every header: the user's mapping first, then the alias table."""
    names = _unique_variable_names(headers)
    matched, warnings = _match_mapping(headers, mapping or {})
    columns: list[Column] = []
    for index, header in enumerate(headers):
        column = Column(index, header, names[index], target=names[index] if header else None)
        if index in matched:
            target, standard = _mapping_target(matched[index])
            how = "mapping" if standard else None
            column = Column(index, header, names[index], target, how)
        else:
            alias = _ALIAS_RANK.get(canonical(header))
            if alias is not None:
                column = Column(index, header, names[index], alias[0], "alias")
        columns.append(column)
    columns = _settle_single_fields(columns, warnings)
    columns = [
        Column(
            c.index,
            c.header,
            c.variable,
            c.target,
            c.how,
            candidate_priority(c.target, c.header, c.how),
        )
        if c.target in CANDIDATE_FIELDS and c.how
        else c
        for c in columns
    ]
    return ColumnPlan(columns, warnings)


def _settle_single_fields(columns: list[Column], warnings: list[str]) -> list[Column]:
    """Two columns on one non-candidate field: the mapping, then the earlier alias wins."""
    winner: dict[str, Column] = {}
    for column in columns:
        if column.how is None or column.target in CANDIDATE_FIELDS:
            continue
        best = winner.get(column.target or "")
        if best is None or _rank(column) < _rank(best):
            winner[column.target or ""] = column
    settled = []
    for column in columns:
        lost = (
            column.how is not None
            and column.target not in CANDIDATE_FIELDS
            and winner[column.target or ""] is not column
        )
        if lost:
            warnings.append(
                f"column {column.header!r} also resolves to {column.target}; "
                f"kept as variable {column.variable!r}"
            )
            column = Column(column.index, column.header, column.variable, column.variable)
        settled.append(column)
    return settled


def _rank(column: Column) -> tuple[int, int, int]:
    if column.how == "mapping":
        return (0, 0, column.index)
    alias = _ALIAS_RANK.get(canonical(column.header))
    return (1, alias[1] if alias else 99, column.index)
