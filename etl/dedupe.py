"""In-file dedupe and the comparison with the store, as frames (SPEC sections 7 and 8)."""

from __future__ import annotations

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


def assign_contacts(clean: pl.DataFrame, matches: StoreMatches, create_new: bool) -> pl.DataFrame:
    """Adds `existing_id`, `contact_id`, `creates` and `duplicate` (first occurrence wins).

    Only accepted rows take part: a rejected row (malformed, or --strict) that happens to
    carry a valid key must not make a later good row of the same key its duplicate.
    New contacts get ids from `next_contact_id` on, in the order their key first appears.
    """
    accepted = ~pl.col("rejected")
    df = clean.with_columns(pl.when(accepted).then(pl.col("key_value")).alias("_key"))
    df = df.join(
        matches.by_key.rename({"key_value": "_key"}), on="_key", how="left", maintain_order="left"
    )
    df = df.with_columns(pl.col(ROW).min().over("_key").alias("_first"))
    is_new = pl.col("_key").is_not_null() & pl.col("existing_id").is_null()
    new_id = pl.col("_first").rank("dense").over(is_new).cast(pl.Int64)
    first = accepted & (pl.col(ROW) == pl.col("_first"))
    return df.with_columns(
        pl.coalesce(
            "existing_id", pl.when(is_new).then(new_id + (matches.next_contact_id - 1))
        ).alias("contact_id"),
        (first & pl.col("existing_id").is_null()).alias("creates"),
        (accepted & ~first & pl.lit(not create_new)).alias("duplicate"),
    ).drop("_key", "_first")


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


def _in_use(df: pl.DataFrame, key: str, matches: StoreMatches) -> pl.DataFrame:
    """Flags rows whose non-key unique value belongs to another contact (`in_use`): in the
    store, or claimed by an earlier row of the file for another contact."""
    other = other_field(key)
    df = df.join(
        matches.owners, left_on=other, right_on="other_value", how="left", maintain_order="left"
    )
    store_conflict = pl.col("owner_id").is_not_null() & (pl.col("owner_id") != pl.col("contact_id"))
    writing = pl.col("writes_fields") & pl.col(other).is_not_null()
    df = df.with_columns((writing & store_conflict.fill_null(False)).alias("in_use"))
    claimers = (
        df.filter(writing & ~pl.col("in_use"))
        .sort(ROW)
        .group_by(other, maintain_order=True)
        .agg(pl.col("contact_id").first().alias("claimer_id"))
    )
    df = df.join(claimers, on=other, how="left", maintain_order="left")
    file_conflict = writing & (pl.col("claimer_id") != pl.col("contact_id")).fill_null(False)
    return df.with_columns((pl.col("in_use") | file_conflict).alias("in_use")).drop(
        "owner_id", "claimer_id"
    )


def decide(
    clean: pl.DataFrame, matches: StoreMatches, *, key: str, on_duplicate: str, has_campaign: bool
) -> pl.DataFrame:
    """The rows with `outcome`, `contact_id`, and the store's conflicts applied."""
    df = assign_contacts(clean, matches, on_duplicate == "create_new")
    in_campaign = matches.in_campaign.with_columns(pl.lit(True).alias("in_campaign"))
    df = df.join(in_campaign, on="contact_id", how="left", maintain_order="left").with_columns(
        pl.col("in_campaign").fill_null(False)
    )
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
    kept = decided.filter(~pl.col("rejected") & ~pl.col("duplicate"))
    return {
        "created": int(decided.get_column("creates").sum()),
        "existing": int(kept.get_column("existing_id").is_not_null().sum()),
    }
