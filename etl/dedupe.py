"""In-file dedupe and the comparison with the store, as frames (SPEC sections 7 and 8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from etl.extract import ROW

OUTCOMES = ("added", "updated", "skipped_existing", "duplicate_in_file", "rejected")


@dataclass(frozen=True)
class StoreMatches:
    """What the store knows about a file's keys: frames from `store.lookup`."""

    by_key: pl.DataFrame  # key_value, existing_id
    owners: pl.DataFrame  # other_value, owner_id: contacts holding the non-key value
    in_campaign: pl.DataFrame  # contact_id of contacts with a (surviving) entry in the campaign
    next_contact_id: int

    @staticmethod
    def empty() -> StoreMatches:
        return StoreMatches(
            pl.DataFrame(schema={"key_value": pl.String, "existing_id": pl.Int64}),
            pl.DataFrame(schema={"other_value": pl.String, "owner_id": pl.Int64}),
            pl.DataFrame(schema={"contact_id": pl.Int64}),
            1,
        )


def other_field(key: str) -> str:
    """The unique field that is not the key: email when keyed by phone, and back."""
    return "email" if key == "phone" else "phone_number"


def _by_row(frame: pl.DataFrame, compute: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
    """`compute(frame)`, new columns in `frame`'s order, computed on the rows in row order
    ("first" means first in the file). Files come in row order; other callers' frames are
    sorted first and the result put back in their order."""
    rows = frame.get_column(ROW)
    if rows.is_sorted():
        return compute(frame)
    order = rows.arg_sort()
    return compute(frame[order])[order.arg_sort()]


def _contact_ids(clean: pl.DataFrame, matches: StoreMatches, create_new: bool) -> pl.DataFrame:
    accepted = ~pl.col("rejected")
    ids = clean.select(pl.when(accepted).then(pl.col("key_value")).alias("_key")).join(
        matches.by_key.rename({"key_value": "_key"}), on="_key", how="left", maintain_order="left"
    )
    has_key = pl.col("_key").is_not_null()
    # One column at a time: each hash pass over the keys runs once, not once per use.
    ids = ids.with_columns((has_key & pl.col("_key").is_first_distinct()).alias("_first"))
    ids = ids.with_columns((pl.col("_first") & pl.col("existing_id").is_null()).alias("creates"))
    new_id = pl.col("creates").cast(pl.Int64).cum_sum() + (matches.next_contact_id - 1)
    ids = ids.with_columns(
        pl.coalesce("existing_id", pl.when(pl.col("creates")).then(new_id)).alias("contact_id")
    )
    # A new key's later rows take the id given to its first row: only those rows are joined.
    repeats = ids.with_row_index("_i").filter(
        has_key & ~pl.col("_first") & pl.col("existing_id").is_null()
    )
    contact_id = ids.get_column("contact_id").clone()
    if repeats.height:
        # The repeated keys' first rows, found by probing a set of the (few) repeated keys
        # rather than hashing every new key for a join.
        repeated = repeats.get_column("_key").unique().implode()
        firsts = ids.filter(pl.col("creates") & pl.col("_key").is_in(repeated))
        firsts = firsts.select("_key", "contact_id")
        found = repeats.select("_i", "_key").join(firsts, on="_key", how="inner")
        contact_id = contact_id.scatter(found.get_column("_i"), found.get_column("contact_id"))
    duplicate = has_key & ~pl.col("_first") & pl.lit(not create_new)
    return ids.select("existing_id", contact_id, "creates", duplicate.alias("duplicate")).rechunk()


def assign_contacts(clean: pl.DataFrame, matches: StoreMatches, create_new: bool) -> pl.DataFrame:
    """Adds `existing_id`, `contact_id`, `creates` and `duplicate` (first occurrence wins).

    Only accepted rows take part: a rejected row (malformed, or --strict) that happens to
    carry a valid key must not make a later good row of the same key its duplicate.
    New contacts get ids from `next_contact_id` on, in the order their key first appears.

    Linear and narrow: first occurrences come from one hash pass (`is_first_distinct`, no
    window, rank or sort over the rows), only the key takes part in the joins, and the new
    columns are put next to `clean`'s, which are shared, not copied.
    """
    added = _by_row(clean, lambda frame: _contact_ids(frame, matches, create_new))
    return clean.hstack(added.get_columns())


def outcome_expr(on_duplicate: str, has_campaign: bool) -> pl.Expr:
    """SPEC section 7's table as one expression."""
    existing = pl.col("existing_id").is_not_null()
    if has_campaign:
        in_campaign = pl.col("in_campaign")
        when_in = {"skip": "skipped_existing", "update": "updated", "create_new": "added"}[
            on_duplicate
        ]
        existing_outcome = pl.when(in_campaign).then(pl.lit(when_in)).otherwise(pl.lit("added"))
    else:
        existing_outcome = pl.lit("updated" if on_duplicate == "update" else "skipped_existing")
    return (
        pl.when(pl.col("rejected"))
        .then(pl.lit("rejected"))
        .when(pl.col("duplicate"))
        .then(pl.lit("duplicate_in_file"))
        .when(~existing)
        .then(pl.lit("added"))
        .otherwise(existing_outcome)
    )


def _in_use_flags(df: pl.DataFrame, other: str, matches: StoreMatches) -> pl.DataFrame:
    writing = pl.col("writes_fields") & pl.col(other).is_not_null()
    narrow = df.select(other, "contact_id", writing.alias("_writing")).join(
        matches.owners, left_on=other, right_on="other_value", how="left", maintain_order="left"
    )
    store_conflict = pl.col("owner_id").is_not_null() & (pl.col("owner_id") != pl.col("contact_id"))
    in_use = narrow.select(
        (pl.col("_writing") & store_conflict.fill_null(False)).alias("in_use")
    ).to_series()
    # In the file, the first row writing a value claims it; only values that several
    # writing rows share can be lost to an earlier row of another contact.
    claiming = (
        narrow.with_columns(in_use)
        .with_row_index("_i")
        .filter(pl.col("_writing") & ~pl.col("in_use"))
    )
    shared = claiming.filter(pl.col(other).is_duplicated())
    if shared.height:
        claimers = shared.unique(subset=other, keep="first", maintain_order=False).select(
            other, pl.col("contact_id").alias("claimer_id")
        )
        lost = shared.join(claimers, on=other, how="inner").filter(
            pl.col("claimer_id") != pl.col("contact_id")
        )
        in_use = in_use.clone().scatter(lost.get_column("_i"), True)
    return in_use.rechunk().to_frame()


def _in_use(df: pl.DataFrame, key: str, matches: StoreMatches) -> pl.DataFrame:
    """Flags rows whose non-key unique value belongs to another contact (`in_use`): in the
    store, or claimed by an earlier row of the file for another contact.

    Only (value, contact, writes) takes part in the joins; `in_use` is added to `df`."""
    other = other_field(key)
    return df.hstack(_by_row(df, lambda frame: _in_use_flags(frame, other, matches)).get_columns())


def decide(
    clean: pl.DataFrame, matches: StoreMatches, *, key: str, on_duplicate: str, has_campaign: bool
) -> pl.DataFrame:
    """The rows with `outcome`, `contact_id`, and the store's conflicts applied."""
    df = assign_contacts(clean, matches, on_duplicate == "create_new")
    in_campaign = pl.col("contact_id").is_in(matches.in_campaign.get_column("contact_id").implode())
    df = df.with_columns(in_campaign.fill_null(False).alias("in_campaign"))
    df = df.with_columns(outcome_expr(on_duplicate, has_campaign).alias("outcome"))
    updating = (on_duplicate == "update") & pl.col("existing_id").is_not_null()
    writes = pl.col("creates") | (updating & pl.col("outcome").is_in(["added", "updated"]))
    df = _in_use(df.with_columns(writes.alias("writes_fields")), key, matches)
    other = other_field(key)
    code = "email_in_use" if other == "email" else "phone_in_use"
    return df.with_columns(
        pl.when(pl.col("in_use"))
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col(other))
        .alias(other),
        pl.when(pl.col("in_use"))
        .then(pl.col("reasons").list.concat(pl.lit([code])))
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
    )


def counts(decided: pl.DataFrame) -> dict[str, int]:
    """Outcome counts, every outcome present (they add up to the row count)."""
    found = dict(decided.get_column("outcome").value_counts().iter_rows())
    return {name: int(found.get(name, 0)) for name in OUTCOMES}


def contact_counts(decided: pl.DataFrame) -> dict[str, int]:
    """`contacts.created` and `contacts.existing` of the summary."""
    # Counted in one select: a `filter` of the frame would copy every column of the kept rows.
    kept = ~pl.col("rejected") & ~pl.col("duplicate")
    created, existing = decided.select(
        pl.col("creates").sum(), (kept & pl.col("existing_id").is_not_null()).sum()
    ).row(0)
    return {"created": int(created), "existing": int(existing)}
