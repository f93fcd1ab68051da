"""Header matching: from the CSV header and the user's mapping to a column plan."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from schemas import words as W
from schemas.aliases import ALIASES, CANDIDATE_FIELDS, STANDARD_FIELDS

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


@dataclass(frozen=True)
class Column:
    """One CSV column and where its values go."""

    index: int
    header: str
    variable: str  # the name its values take among a row's variables
    target: str | None = None  # standard field or variable name; None: dropped
    how: str | None = None  # mapping / alias / words / content, for standard fields
    priority: int = 0  # among candidates of one field: lower is tried first
    mapped: bool = False  # the user's --mapping named this column
    note: str | None = None  # why a header rule left it a variable (fax, an attribute, ...)
    confirm: bool = False  # a header-word candidate that counts only if its values fit


@dataclass
class ColumnPlan:
    """The resolved columns of one file."""

    columns: list[Column]
    warnings: list[str] = field(default_factory=list)

    def candidates(self, field_name: str) -> list[Column]:
        """Columns holding candidates for phone_number or email, in the order rows try them."""
        found = [c for c in self.columns if c.how is not None and c.target == field_name]
        return sorted(found, key=lambda c: (c.priority, c.index))

    def field_column(self, field_name: str) -> Column | None:
        """The single column of a non-candidate standard field."""
        # By `how`, not by `target` alone: a variable may bear a field's name (a `Name`
        # column that lost `name` to a mapped column is the variable `name`).
        return next((c for c in self.columns if c.how is not None and c.target == field_name), None)

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


def _variable_names(headers: list[str], matched: dict[int, str | None]) -> list[str]:
    """Every column's variable name, all distinct (they are keys of one JSON object): a
    mapping target naming a variable keeps its name, then every other column takes its
    header in snake_case; a name already taken gets `_2`, `_3` (in file order)."""
    names: dict[int, str] = {}
    seen: set[str] = set()

    def claim(index: int, base: str) -> None:
        name, n = base, 2
        while name in seen:
            name, n = f"{base}_{n}", n + 1
        seen.add(name)
        names[index] = name

    for index in sorted(matched):
        target, standard = _mapping_target(matched[index])
        if target is not None and not standard:
            claim(index, target)
    for index, header in enumerate(headers):
        if index not in names:
            claim(index, snake_case(header) or f"column_{index + 1}")
    return [names[index] for index in range(len(headers))]


def _mapping_target(target: str | None) -> tuple[str | None, bool]:
    """(target name, is standard field) for a mapping value; None drops the column."""
    if target is None or not str(target).strip():
        return None, False
    text = str(target).strip()
    standard = _FIELD_BY_CANONICAL.get(canonical(text))
    return (standard, True) if standard else (text, False)


def _match_mapping(
    headers: list[str], mapping: dict[str, str | None]
) -> tuple[dict[int, str | None], list[str]]:
    """Mapping keys matched to column indexes: exactly first, then by canonical form."""
    by_canonical: dict[str, int] = {}
    for index, header in enumerate(headers):
        by_canonical.setdefault(canonical(header), index)
    matched: dict[int, str | None] = {}
    warnings: list[str] = []
    for key, target in mapping.items():
        found = headers.index(key) if key in headers else by_canonical.get(canonical(key))
        if found is None:
            warnings.append(f"mapping key {key!r} is not in the header")
        else:
            matched[found] = target
    return matched, warnings


# --- header words (SPEC 4.1, point 1) ------------------------------------------------------

_CAMEL_WORD = re.compile(r"(?<=[a-z])(?=[A-Z])")
# vCard-style headers (`TEL;TYPE=CELL`): `TYPE=` introduces the kind, not an attribute
_VCARD_TYPE = re.compile(r"(?i)\btype\s*=")
_LETTERS = re.compile(r"[^\W\d_]+")
_FIRST_NUMBERED = re.compile(r"(?<!\d)1(?!\d)")


def _fold(text: str) -> str:
    """Casefolded, accents dropped: `Téléphone` -> `telephone`, `geschäftlich` -> `geschaftlich`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _phrases(entries: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Phrases as folded word tuples, longest first (so `nom complet` beats `nom`)."""
    found = {tuple(_fold(w) for w in e.split()) for e in entries}
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


_FIELD_PHRASES = {name: _phrases(entries) for name, entries in W.FIELD_WORDS.items()}
_QUALIFIERS = {
    name: frozenset(_fold(w) for w in (*entries, *W.FILLER))
    for name, entries in W.QUALIFIERS.items()
}
_EXCLUDED = {why: frozenset(_fold(w) for w in entries) for why, entries in W.EXCLUDED_WORDS.items()}
_ATTRIBUTES = frozenset(_fold(w) for w in W.ATTRIBUTE_WORDS)
_FILLER = frozenset(_fold(w) for w in W.FILLER)
_NOT_CONTENT = frozenset(_fold(w) for w in W.NOT_CONTENT_WORDS)
_ID_OWNERS = frozenset(_fold(w) for w in W.ID_OWNER_WORDS)
_NUMBERS = frozenset(_fold(w) for w in W.NUMBER_WORDS)
_MOBILE = frozenset(_fold(w) for w in W.MOBILE_WORDS)
_PRIMARY = frozenset(_fold(w) for w in W.PRIMARY_WORDS)
_COMPANY = frozenset(_fold(w) for w in W.COMPANY_WORDS)
_ADDRESS = frozenset(_fold(w) for w in W.ADDRESS_WORDS)
_WHOLE = {(_fold(w),): name for name, entries in W.WHOLE_HEADERS.items() for w in entries}
_CONFIRMED = {
    (_fold(w),): name for name, entries in W.CONFIRMED_WHOLE_HEADERS.items() for w in entries
}
# Every known word, for splitting compounds (`mobiltelefon`, `emailadresse`, `faxnummer`).
_VOCABULARY = frozenset(
    w
    for group in (
        *(set(sum(p, ())) for p in _FIELD_PHRASES.values()),
        *_QUALIFIERS.values(),
        *_EXCLUDED.values(),
        _ATTRIBUTES,
        _NOT_CONTENT,
        _ID_OWNERS,
        _MOBILE,
        _PRIMARY,
        _COMPANY,
    )
    for w in group
    if len(w) >= 3
)


def _split_compound(word: str, parts_left: int = 3) -> tuple[str, ...] | None:
    """`mobiltelefon` -> (`mobil`, `telefon`): known words only, longest first; else None."""
    if word in _VOCABULARY:
        return (word,)
    if parts_left <= 1:
        return None
    for end in range(len(word) - 3, 2, -1):
        if word[:end] in _VOCABULARY:
            rest = _split_compound(word[end:], parts_left - 1)
            if rest is not None:
                return (word[:end], *rest)
    return None


@lru_cache(maxsize=4096)
def header_words(header: str) -> tuple[str, ...]:
    """The words of a header: split on anything not a letter and on camelCase, folded,
    `e mail` joined, compounds split: `E-Mail 2: Adresse` -> (`email`, `adresse`)."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", header) if not unicodedata.combining(c)
    )
    plain = _VCARD_TYPE.sub(" ", plain)
    raw = [_fold(w) for w in _LETTERS.findall(_CAMEL_WORD.sub(" ", plain))]
    joined: list[str] = []
    for w in raw:
        previous = joined[-1] if joined else None
        if (
            (previous == "e" and w.startswith("mail"))
            or (previous == "linked" and w == "in")
            or (previous == "i" and w == "phone")
            or (previous == "whats" and w == "app")
        ):
            joined[-1] = previous + w
        else:
            joined.append(w)
    out: list[str] = []
    for w in joined:
        out.extend(_split_compound(w) or (w,) if len(w) >= 6 else (w,))
    return tuple(out)


def _leftover(words: tuple[str, ...], field_name: str) -> list[str] | None:
    """The words beside the field's phrases, or None when no phrase of the field occurs."""
    phrases = _FIELD_PHRASES[field_name]
    left: list[str] = []
    found = False
    i = 0
    while i < len(words):
        size = next((len(p) for p in phrases if words[i : i + len(p)] == p), 0)
        if size:
            found, i = True, i + size
        else:
            left.append(words[i])
            i += 1
    return left if found else None


@dataclass(frozen=True)
class WordMatch:
    """What the words of one header say: the field it names, or why it names none."""

    field: str | None = None
    note: str | None = None  # set when a phone/email-looking or excluded header is no field
    content_ok: bool = True  # False: never content-detected (fax, somebody else's, ids, dates)
    confirm: bool = False  # the field holds only if the column's values fit it (detect.py)


@lru_cache(maxsize=4096)
def match_words(header: str) -> WordMatch:
    """The standard field a header's words name (SPEC 4.1, point 1), or why it names none."""
    words = header_words(header)
    if words in _WHOLE:
        return WordMatch(_WHOLE[words])
    if words in _CONFIRMED:
        return WordMatch(_CONFIRMED[words], confirm=True)
    present = set(words)
    for why, excluded in _EXCLUDED.items():
        if present & excluded:
            return WordMatch(note=why, content_ok=False)
    content_ok = not (present & _NOT_CONTENT) and not (
        present & _ID_OWNERS and (present & _NUMBERS or "#" in header)
    )
    candidate = [(f, left) for f in CANDIDATE_FIELDS if (left := _leftover(words, f)) is not None]
    if len(candidate) > 1:
        return WordMatch(note="names both a phone and an email", content_ok=False)
    if candidate:
        field_name, left = candidate[0]
        if all(w in _QUALIFIERS[field_name] for w in left):
            return WordMatch(field_name)
        attributes = [w for w in left if w in _ATTRIBUTES]
        note = f"attribute: {attributes[0]}" if attributes else f"other words: {' '.join(left)}"
        return WordMatch(note=note, content_ok=False)
    for field_name in STANDARD_FIELDS:
        if field_name in CANDIDATE_FIELDS:
            continue
        left = _leftover(words, field_name)
        if left is not None and all(w in _QUALIFIERS[field_name] for w in left):
            return WordMatch(field_name, content_ok=content_ok)
    return WordMatch(content_ok=content_ok)


def candidate_priority(field_name: str, header: str, how: str) -> int:
    """Order of candidate columns (SPEC 4.1, point 3): mapped, then mobile/cell, then
    primary/main, then the rest; for email: mapped, primary or first-numbered, the rest."""
    if how == "mapping":
        return 0
    words = set(header_words(header))
    if field_name == "phone_number":
        if words & _MOBILE:
            return 1
        # a company's main number is its switchboard, not the person's primary phone; a
        # default address's phone is not the default phone
        return 2 if (words & _PRIMARY and not words & (_COMPANY | _ADDRESS)) else 3
    if words & _PRIMARY or _FIRST_NUMBERED.search(header):
        return 2
    return 3


def resolve(headers: list[str], mapping: dict[str, str | None] | None = None) -> ColumnPlan:
    """Resolve every header: the user's mapping, then the alias table, then header words."""
    matched, warnings = _match_mapping(headers, mapping or {})
    names = _variable_names(headers, matched)
    columns: list[Column] = []
    for index, header in enumerate(headers):
        column = Column(index, header, names[index], target=names[index] if header else None)
        if index in matched:
            target, standard = _mapping_target(matched[index])
            if standard:
                column = Column(index, header, names[index], target, "mapping", mapped=True)
            else:  # a variable: its name, made distinct from the others
                target = names[index] if target is not None else None
                column = Column(index, header, names[index], target, mapped=True)
        else:
            alias = _ALIAS_RANK.get(canonical(header))
            if alias is not None:
                column = Column(index, header, names[index], alias[0], "alias")
        columns.append(column)
    columns = _settle_single_fields(columns, warnings)
    columns = _resolve_words(columns, warnings)
    columns = [
        replace(c, priority=candidate_priority(c.target, c.header, c.how))
        if c.target in CANDIDATE_FIELDS and c.how
        else c
        for c in columns
    ]
    return ColumnPlan(columns, warnings)


def _resolve_words(columns: list[Column], warnings: list[str]) -> list[Column]:
    """Header words: every phone/email column is a candidate; other fields only fill a field
    the mapping and aliases left unresolved: the column whose header says the most words of
    the field wins (French Outlook's `Titre du poste` over its salutation `Titre`), then the
    first in file order."""
    taken = {c.target for c in columns if c.how is not None}
    open_columns = [
        c for c in columns if not (c.how is not None or c.mapped or c.note or not c.header)
    ]
    matches = {c.index: match_words(c.header) for c in open_columns}
    winners: dict[str, Column] = {}
    for column in open_columns:
        field_name = matches[column.index].field
        if field_name is None or field_name in CANDIDATE_FIELDS or field_name in taken:
            continue
        best = winners.get(field_name)
        if best is None or _field_words(column.header, field_name) > _field_words(
            best.header, field_name
        ):
            winners[field_name] = column
    out: list[Column] = []
    skipped: list[str] = []
    for column in columns:
        match = matches.get(column.index)
        if match is None:
            out.append(column)
            continue
        if match.field in CANDIDATE_FIELDS or (
            match.field is not None and winners.get(match.field) is column
        ):
            column = replace(column, target=match.field, how="words", confirm=match.confirm)
        elif match.field is not None:
            warnings.append(
                f"column {column.header!r} also resolves to {match.field}; "
                f"kept as variable {column.variable!r}"
            )
        elif match.note is not None:
            column = replace(column, note=match.note)
            if _names_phone_or_email(column.header):
                skipped.append(f"{column.header!r} ({match.note})")
        out.append(column)
    if skipped:
        warnings.append("not phone/email candidates: " + ", ".join(skipped))
    return out


def _field_words(header: str, field_name: str) -> int:
    """How many of a header's words belong to the field's words and phrases (little words
    like `de` or `du` aside)."""
    vocabulary = {w for phrase in _FIELD_PHRASES[field_name] for w in phrase} - _FILLER
    return sum(1 for w in header_words(header) if w in vocabulary)


def _names_phone_or_email(header: str) -> bool:
    """A header with a phone, email, fax or pager word (worth a warning when skipped)."""
    words = header_words(header)
    if set(words) & (_EXCLUDED["fax"] | _EXCLUDED["pager"]):
        return True
    return any(_leftover(words, f) is not None for f in CANDIDATE_FIELDS)


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
            column = Column(
                column.index,
                column.header,
                column.variable,
                column.variable,
                note=f"also resolves to {column.target}",
            )
        settled.append(column)
    return settled


def _rank(column: Column) -> tuple[int, int, int]:
    if column.how == "mapping":
        return (0, 0, column.index)
    alias = _ALIAS_RANK.get(canonical(column.header))
    return (1, alias[1] if alias else 99, column.index)
