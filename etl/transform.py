"""Normalize and validate every row (SPEC section 5): cells in, clean fields and reasons out.

Per-value Python (phonenumbers, email-validator, pycountry, json) only ever sees the
distinct values of a column, never the rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from etl import countries, emails, metadata, phones
from etl.columns import Column, ColumnPlan
from etl.extract import EXTRA, ROW, RawTable
from etl.memo import OracleMemo
from etl.normalize import (
    MULTI_VALUE_SEPARATOR,
    full_name,
    json_object,
    split_values,
    trimmed,
)

TEXT_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "job_title",
    "linkedin_profile",
    "locale",
    "timezone",
    "tag",
)
REPORT_FIELDS = (
    "phone_number",
    "email",
    "name",
    *TEXT_FIELDS,
    "country",
    "metadata",
)


def _cell(column: Column) -> str:
    return RawTable.cell(column.index)


def _field(plan: ColumnPlan, name: str) -> pl.Expr:
    column = plan.field_column(name)
    return trimmed(_cell(column)) if column else pl.lit(None, dtype=pl.String)


def candidate_values(frame: pl.DataFrame, columns: list[Column]) -> pl.DataFrame:
    """One row per (row, candidate, value of a multi-value cell): `row`, `cand`, `seq`, `value`.

    `seq` orders the values as they are preferred: by candidate, then row, then position in
    the cell."""
    parts = [
        frame.select(
            pl.col(ROW),
            pl.lit(order, dtype=pl.Int32).alias("cand"),
            split_values(pl.col(_cell(column))).alias("value"),
        )
        for order, column in enumerate(columns)
    ]
    long = pl.concat(parts).explode("value").with_row_index("seq")
    value = pl.col("value").str.strip_chars()
    return long.with_columns(value.alias("value")).filter(pl.col("value").str.len_bytes() > 0)


def first_accepted(
    long: pl.DataFrame, decided: pl.DataFrame, on: list[str], out: str
) -> pl.DataFrame:
    """Per row, the first candidate value that `decided` accepted: `row`, `out`, `out`_cand.

    `long` is in `seq` order, so the first accepted value of a row is its first one in the
    join's output (a hash `unique`, not a sort of the long frame)."""
    accepted = long.select(ROW, "cand", *on).join(
        decided.filter(pl.col(out).is_not_null()), on=on, how="inner", maintain_order="left"
    )
    return accepted.unique(subset=ROW, keep="first").select(
        ROW, out, pl.col("cand").alias(f"{out}_cand")
    )


def _decide_single(
    frame: pl.DataFrame,
    column: Column,
    out: str,
    decide: Callable[[pl.DataFrame], pl.DataFrame],
    extra: list[pl.Series],
) -> pl.DataFrame:
    """`_decide_candidates` for one candidate column holding one value per cell: the row's
    value is its trimmed cell, looked up in place (no long frame, no per-row `unique`)."""
    cells = frame.select(trimmed(_cell(column)).alias("value")).hstack(extra)
    decided = decide(cells.filter(pl.col("value").is_not_null()))
    chosen = cells.join(
        decided.filter(pl.col(out).is_not_null()),
        on=cells.columns,
        how="left",
        maintain_order="left",
    )
    candidate = pl.when(pl.col(out).is_not_null()).then(pl.lit(0, dtype=pl.Int32))
    return chosen.select(out, candidate.alias(f"{out}_cand"))


def _decide_candidates(
    frame: pl.DataFrame,
    columns: list[Column],
    out: str,
    decide: Callable[[pl.DataFrame], pl.DataFrame],
    extra: list[pl.Series] | None = None,
) -> pl.DataFrame:
    """`out`, `out`_cand for every row of `frame`, in its order (nulls where no candidate
    was accepted). `extra`: more columns (in `frame`'s order) that `decide` needs per value."""
    extra = extra or []
    if not columns:
        return pl.DataFrame(
            [
                pl.Series(out, [None] * frame.height, dtype=pl.String),
                pl.Series(f"{out}_cand", [None] * frame.height, dtype=pl.Int32),
            ]
        )
    if len(columns) == 1:  # the usual file: one column, no ` ::: ` in it
        cell = pl.col(_cell(columns[0]))
        if not frame.select(cell.str.contains(MULTI_VALUE_SEPARATOR, literal=True).any()).item():
            return _decide_single(frame, columns[0], out, decide, extra)
    long = candidate_values(frame, columns)
    if extra:
        long = long.join(frame.select(ROW).hstack(extra), on=ROW, how="left", maintain_order="left")
    chosen = first_accepted(long, decide(long), ["value", *[s.name for s in extra]], out)
    del long
    rows = frame.select(ROW).join(chosen, on=ROW, how="left", maintain_order="left")
    return rows.drop(ROW)


def _countries(frame: pl.DataFrame, plan: ColumnPlan, default_region: str) -> pl.DataFrame:
    """`country` (resolved alpha-2 or null), `country_invalid`, `region`, in `frame`'s order."""
    # With ROW: a missing column is a null literal, broadcast to the rows.
    cells = frame.select(ROW, _field(plan, "country").alias("value")).drop(ROW)
    present = cells.filter(pl.col("value").is_not_null())
    resolved = countries.resolve_values(present) if present.height else None
    if resolved is None:
        cells = cells.with_columns(pl.lit(None, dtype=pl.String).alias("country"))
    else:
        cells = cells.join(resolved, on="value", how="left", maintain_order="left")
    return cells.select(
        pl.col("country"),
        (pl.col("value").is_not_null() & pl.col("country").is_null()).alias("country_invalid"),
        pl.coalesce("country", pl.lit(default_region)).alias("region"),
    )


def _metadata(frame: pl.DataFrame, plan: ColumnPlan) -> pl.DataFrame:
    """`metadata`, `metadata_invalid`, in `frame`'s order."""
    # With ROW: a missing column is a null literal, broadcast to the rows.
    cells = frame.select(ROW, _field(plan, "metadata").alias("value")).drop(ROW)
    present = cells.filter(pl.col("value").is_not_null())
    if present.height == 0:
        return cells.select(
            pl.col("value").alias("metadata"), pl.lit(False).alias("metadata_invalid")
        )
    cells = cells.join(
        metadata.check_values(present), on="value", how="left", maintain_order="left"
    )
    invalid = pl.col("value").is_not_null() & pl.col("metadata").is_null()
    return cells.select("metadata", invalid.alias("metadata_invalid"))


def _unused_candidates(plan: ColumnPlan, field_name: str) -> list[tuple[str, pl.Expr]]:
    """Candidate cells a row did not use, kept as variables. A row uses the candidate it
    took its value from; when none held an accepted value, the first one not empty (the
    cell its reason and its key cell are about), and the others are the unused ones."""
    columns = plan.candidates(field_name)
    if len(columns) < 2:
        return []
    filled = [trimmed(_cell(column)) for column in columns]
    first_filled = pl.coalesce(
        [
            pl.when(cell.is_not_null()).then(pl.lit(order, dtype=pl.Int32))
            for order, cell in enumerate(filled)
        ]
    )
    used = pl.coalesce(pl.col(f"{field_name}_cand"), first_filled)
    return [
        (column.variable, pl.when(used != order).then(cell))
        for order, (column, cell) in enumerate(zip(columns, filled, strict=True))
    ]


def _first_raw(columns: list[Column]) -> pl.Expr:
    """The raw cell of the first candidate that is not empty (the row's key cell)."""
    if not columns:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce(
        [pl.when(trimmed(_cell(c)).is_not_null()).then(pl.col(_cell(c))) for c in columns]
    )


def _reason_lists(flags: list[tuple[str, pl.Expr]], malformed: pl.Expr) -> pl.Expr:
    """`reasons(flags)`, or `["malformed_row"]` alone on a malformed row, as one gather: the
    flags make a bit mask that indexes the 2**n possible lists (building a list per row
    from `when/then` literals cost more than the rest of the clean frame)."""
    flags = [*flags, ("malformed_row", malformed)]
    top = 1 << (len(flags) - 1)
    lists = [
        ["malformed_row"] if mask & top else [c for i, (c, _) in enumerate(flags) if mask >> i & 1]
        for mask in range(1 << len(flags))
    ]
    mask = pl.sum_horizontal(
        [cond.fill_null(False).cast(pl.UInt32) * (1 << i) for i, (_, cond) in enumerate(flags)]
    )
    return pl.lit(pl.Series(lists, dtype=pl.List(pl.String))).gather(mask)


# Rows normalized at a time. Every step is row-local; the intermediate frames of the phone
# and email paths (a few hundred bytes a row) then exist for one slice, not the whole file.
SLICE_ROWS = 500_000


def normalize_rows(
    table: RawTable,
    plan: ColumnPlan,
    key: str,
    *,
    region: str,
    phone_check: str,
    strict: bool,
    memo: OracleMemo | None = None,
) -> pl.DataFrame:
    """The clean frame: one row per data row with fields, `key_value`, `reasons`, `rejected`.

    Slice by slice (`SLICE_ROWS`): the clean slices are put end to end, not copied."""
    frame, memo = table.frame, memo or OracleMemo()
    return _end_to_end(
        [
            _normalize_slice(
                frame.slice(offset, SLICE_ROWS),
                plan,
                key,
                region=region,
                phone_check=phone_check,
                strict=strict,
                memo=memo,
            )
            for offset in _offsets(frame.height)
        ]
    )


def _offsets(height: int) -> range:
    """Where each slice of `height` rows starts (at least one slice, maybe empty)."""
    return range(0, max(height, 1), SLICE_ROWS)


def _end_to_end(slices: list[pl.DataFrame]) -> pl.DataFrame:
    """The slices one after the other, in one chunk per column: the clean columns come out
    of each slice cut in different places, and every later `with_columns`/`select` (dedupe,
    the report, the store writes) would otherwise copy them to line the chunks up, each
    time. Copied once, a column at a time, each column's slices freed before the next is
    copied: the copy never holds the frame twice."""
    columns = []
    for name in slices[0].columns:
        columns.append(pl.concat([part.get_column(name) for part in slices]).rechunk())
        slices = [part.drop(name) for part in slices]
    return pl.DataFrame(columns)


def _normalize_slice(
    cells: pl.DataFrame,
    plan: ColumnPlan,
    key: str,
    *,
    region: str,
    phone_check: str,
    strict: bool,
    memo: OracleMemo,
) -> pl.DataFrame:
    # The scan leaves the cells in many chunks. One chunk per column, once: the clean
    # columns then come out in one chunk too, and no later step copies them to line up.
    frame = cells.rechunk()
    phone_cols, email_cols = plan.candidates("phone_number"), plan.candidates("email")
    country = _countries(frame, plan, region)

    def decide_phones(long: pl.DataFrame) -> pl.DataFrame:
        return phones.normalize_pairs(long.select("value", "region"), phone_check, memo).rename(
            {"e164": "phone_number"}
        )

    def decide_emails(long: pl.DataFrame) -> pl.DataFrame:
        return emails.normalize_values(long.select("value"), memo)

    # The email path runs beside the phone path, in a second thread: each is a chain of
    # small Polars queries keeping about one core busy (Polars lets go of the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        email_path = pool.submit(_decide_candidates, frame, email_cols, "email", decide_emails)
        phone = _decide_candidates(
            frame,
            phone_cols,
            "phone_number",
            decide_phones,
            [country.get_column("region")],
        )
        meta = _metadata(frame, plan)
        email = email_path.result()
    # Every part is in `frame`'s row order: put side by side, nothing of `frame` is copied.
    parts = [country.drop("region").rechunk(), phone.rechunk(), email.rechunk(), meta.rechunk()]
    joined = frame.hstack([s for part in parts for s in part.get_columns()])
    # Lazy: the engine evaluates the columns in parallel (an eager select runs them one by one).
    return joined.lazy().select(_clean_columns(plan, key, strict)).collect()


def _clean_columns(plan: ColumnPlan, key: str, strict: bool) -> list[pl.Expr]:
    phone_cols, email_cols = plan.candidates("phone_number"), plan.candidates("email")
    phone_raw, email_raw = _first_raw(phone_cols), _first_raw(email_cols)
    phone_bad = phone_raw.is_not_null() & pl.col("phone_number").is_null()
    email_bad = email_raw.is_not_null() & pl.col("email").is_null()
    key_raw = phone_raw if key == "phone" else email_raw
    key_value = pl.col("phone_number" if key == "phone" else "email")
    malformed = pl.col(EXTRA).is_not_null()
    field_invalid = [
        ("invalid_phone", phone_bad),
        ("invalid_email", email_bad),
        ("invalid_metadata", pl.col("metadata_invalid")),
        ("invalid_country", pl.col("country_invalid")),
    ]
    row_reasons = _reason_lists([("missing_key", key_raw.is_null()), *field_invalid], malformed)
    rejected = malformed | key_value.is_null()
    if strict:
        rejected = rejected | pl.any_horizontal(
            [cond.fill_null(False) for _, cond in field_invalid]
        )
    return [
        pl.col(ROW),
        key_value.alias("key_value"),
        rejected.alias("rejected"),
        row_reasons.alias("reasons"),
        pl.col("phone_number"),
        pl.col("email"),
        pl.col("country"),
        pl.col("metadata"),
        pl.col("phone_number_cand"),
        pl.col("email_cand"),
    ]


@dataclass(frozen=True)
class CellFields:
    """The fields read straight from the cells: `name`, the text fields and `variables`.

    The clean frame does not hold them: they are computed where they are written (the
    store, the report), beside the clean rows, a slice at a time. Held for a whole 5M-row
    file they would take a gigabyte; recomputing them is a few trims and one JSON pass.
    """

    table: RawTable
    plan: ColumnPlan

    def beside(self, rows: pl.DataFrame, offset: int = 0) -> pl.LazyFrame:
        """`rows` (clean rows from `offset` on, in file order) with the cells of the same rows."""
        names = [RawTable.cell(i) for i in range(len(self.table.headers))]
        cells = self.table.frame.slice(offset, rows.height).select(names)
        return rows.hstack(cells.get_columns()).lazy()  # side by side: nothing is copied

    def slices(
        self,
        rows: pl.DataFrame,
        names: tuple[str, ...],
        parts: Iterator[pl.DataFrame] | None = None,
    ) -> Iterator[tuple[int, pl.DataFrame]]:
        """(offset, the columns `names` of `rows` from offset on), `SLICE_ROWS` rows at a
        time (at least one slice, maybe empty): the cell fields among `names` from `parts`
        (`computed` of each slice; computed here when not given), the others from `rows`."""
        parts = parts if parts is not None else self.computed(rows)
        for offset, cell_fields in zip(_offsets(rows.height), parts, strict=True):
            part = rows.slice(offset, SLICE_ROWS)
            yield offset, part.hstack(cell_fields.get_columns()).select(names)

    def computed(self, rows: pl.DataFrame, pool: Executor | None = None) -> Iterator[pl.DataFrame]:
        """The cell fields (`exprs`) of each slice of `rows` (of which they need only the
        `*_cand` columns). With `pool`: computed there, the first one starting now and each
        next one while the one before is used, so a caller can have them computed while it
        decides the rows."""
        cands = rows.select(pl.col(ROW), pl.col("^(phone_number|email)_cand$"))
        offsets = _offsets(rows.height)
        if pool is None:
            return (self._computed(cands, offset) for offset in offsets)
        ahead = deque([pool.submit(self._computed, cands, offsets[0])])

        def in_order() -> Iterator[pl.DataFrame]:
            for following in offsets[1:]:
                ahead.append(pool.submit(self._computed, cands, following))
                yield ahead.popleft().result()
            yield ahead.popleft().result()

        return in_order()

    def _computed(self, cands: pl.DataFrame, offset: int) -> pl.DataFrame:
        part = cands.slice(offset, SLICE_ROWS)
        # `row` keeps the fields as long as the slice when all of them are literals.
        fields = self.beside(part, offset).select(pl.col(ROW), *self.exprs().values())
        return fields.collect().drop(ROW)

    def exprs(self) -> dict[str, pl.Expr]:
        """Field name -> its expression over `beside` (which needs the `*_cand` columns)."""
        plan = self.plan
        variables = [(c.variable, trimmed(_cell(c))) for c in plan.variable_columns()]
        variables += _unused_candidates(plan, "phone_number") + _unused_candidates(plan, "email")
        first, last = _field(plan, "first_name"), _field(plan, "last_name")
        return {
            "name": full_name(_field(plan, "name"), first, last).alias("name"),
            **{name: _field(plan, name).alias(name) for name in TEXT_FIELDS},
            "variables": json_object(variables).alias("variables"),
        }

    def key_cell(self, key: str) -> pl.Expr:
        """The raw cell of the row's key (its first non-empty candidate), over the cells."""
        return _first_raw(self.plan.candidates("phone_number" if key == "phone" else "email"))
