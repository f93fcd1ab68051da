"""Unit tests of the pure dedupe functions (SPEC sections 7 and 8) on small frames."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import dedupe
from etl.dedupe import StoreMatches


def clean(rows: Sequence[tuple[str | None, str | None, bool]], key: str = "phone") -> pl.DataFrame:
    """A clean frame as transform.normalize_rows makes it: (key value, other value, rejected)."""
    key_col, other_col = ("phone_number", "email") if key == "phone" else ("email", "phone_number")
    return pl.DataFrame(
        {
            "row": list(range(1, len(rows) + 1)),
            "key_value": [k for k, _, _ in rows],
            "rejected": [r for _, _, r in rows],
            "reasons": [[] for _ in rows],
            key_col: [k for k, _, _ in rows],
            other_col: [o for _, o, _ in rows],
        },
        schema={
            "row": pl.Int64,
            "key_value": pl.String,
            "rejected": pl.Boolean,
            "reasons": pl.List(pl.String),
            key_col: pl.String,
            other_col: pl.String,
        },
    )


def matches(
    by_key: dict[str, int] | None = None,
    owners: dict[str, int] | None = None,
    in_campaign: list[int] | None = None,
    next_id: int = 1,
) -> StoreMatches:
    return StoreMatches(
        pl.DataFrame(
            {
                "key_value": list((by_key or {}).keys()),
                "existing_id": list((by_key or {}).values()),
            },
            schema={"key_value": pl.String, "existing_id": pl.Int64},
        ),
        pl.DataFrame(
            {"other_value": list((owners or {}).keys()), "owner_id": list((owners or {}).values())},
            schema={"other_value": pl.String, "owner_id": pl.Int64},
        ),
        pl.DataFrame({"contact_id": in_campaign or []}, schema={"contact_id": pl.Int64}),
        next_id,
    )


def decide(
    frame: pl.DataFrame,
    found: StoreMatches,
    *,
    key: str = "phone",
    on_duplicate: str = "skip",
    has_campaign: bool = True,
) -> pl.DataFrame:
    return dedupe.decide(
        frame, found, key=key, on_duplicate=on_duplicate, has_campaign=has_campaign
    )


# --- assign_contacts ----------------------------------------------------------------------


def test_new_contacts_get_ids_in_order_of_first_appearance() -> None:
    frame = clean([("b", None, False), ("x", None, True), ("a", None, False), ("b", None, False)])
    out = dedupe.assign_contacts(frame, matches(next_id=10), create_new=False).sort("row")
    assert out["contact_id"].to_list() == [10, None, 11, 10]
    assert out["creates"].to_list() == [True, False, True, False]
    assert out["duplicate"].to_list() == [False, False, False, True]


def test_existing_contacts_keep_their_ids_and_are_not_created() -> None:
    frame = clean([("a", None, False), ("n", None, False), ("a", None, False)])
    out = dedupe.assign_contacts(frame, matches({"a": 7}, next_id=8), create_new=False).sort("row")
    assert out["existing_id"].to_list() == [7, None, 7]
    assert out["contact_id"].to_list() == [7, 8, 7]
    assert out["creates"].to_list() == [False, True, False]
    assert out["duplicate"].to_list() == [False, False, True]


def test_rejected_row_with_a_key_is_neither_first_nor_matched() -> None:
    frame = clean([("a", None, True), ("a", None, False)])
    out = dedupe.assign_contacts(frame, matches({"a": 3}), create_new=False).sort("row")
    assert out["contact_id"].to_list() == [None, 3]
    assert out["duplicate"].to_list() == [False, False]


def test_create_new_marks_no_duplicates() -> None:
    frame = clean([("a", None, False), ("a", None, False)])
    out = dedupe.assign_contacts(frame, matches(), create_new=True).sort("row")
    assert out["contact_id"].to_list() == [1, 1]
    assert out["creates"].to_list() == [True, False]
    assert out["duplicate"].to_list() == [False, False]


# --- outcome_expr: SPEC section 7's table ---------------------------------------------------

TABLE = {
    # (existing, in_campaign, has_campaign): {action: outcome}
    (False, False, True): {"skip": "added", "update": "added", "create_new": "added"},
    (True, False, True): {"skip": "added", "update": "added", "create_new": "added"},
    (True, True, True): {"skip": "skipped_existing", "update": "updated", "create_new": "added"},
    (False, False, False): {"skip": "added", "update": "added"},
    (True, False, False): {"skip": "skipped_existing", "update": "updated"},
}


@pytest.mark.parametrize(
    ("case", "action", "expected"),
    [(case, action, out) for case, actions in TABLE.items() for action, out in actions.items()],
)
def test_outcome_expr_is_the_spec_table(
    case: tuple[bool, bool, bool], action: str, expected: str
) -> None:
    existing, in_campaign, has_campaign = case
    frame = pl.DataFrame(
        {
            "rejected": [False, True, False],
            "duplicate": [False, False, True],
            "existing_id": [1 if existing else None] * 3,
            "in_campaign": [in_campaign] * 3,
        },
        schema={
            "rejected": pl.Boolean,
            "duplicate": pl.Boolean,
            "existing_id": pl.Int64,
            "in_campaign": pl.Boolean,
        },
    )
    got = frame.select(dedupe.outcome_expr(action, has_campaign))["literal"].to_list()
    assert got == [expected, "rejected", "duplicate_in_file"]


# --- decide: in-use values ------------------------------------------------------------------


def test_email_owned_by_another_stored_contact_is_dropped() -> None:
    frame = clean([("p1", "e@x", False), ("p2", "mine@x", False)])
    out = decide(
        frame, matches({"p2": 5}, owners={"e@x": 5, "mine@x": 5}, next_id=6), on_duplicate="update"
    )
    assert out["email"].to_list() == [None, "mine@x"]
    assert out["reasons"].to_list() == [["email_in_use"], []]
    assert out["outcome"].to_list() == ["added", "added"]


def test_email_claimed_earlier_in_the_file_is_dropped() -> None:
    frame = clean([("p1", "e@x", False), ("p2", "e@x", False), ("p1", "e@x", False)])
    out = decide(frame, matches())
    assert out["email"].to_list() == ["e@x", None, "e@x"]
    assert out["reasons"].to_list() == [[], ["email_in_use"], []]


def test_phone_in_use_when_keyed_by_email() -> None:
    frame = clean([("a@x", "+1", False), ("b@x", "+1", False)], key="email")
    out = decide(frame, matches(), key="email")
    assert out["phone_number"].to_list() == ["+1", None]
    assert out["reasons"].to_list() == [[], ["phone_in_use"]]


def test_rows_that_write_nothing_claim_nothing() -> None:
    """skip leaves an existing contact alone: its row's email neither conflicts nor claims."""
    frame = clean([("p1", "e@x", False), ("p2", "e@x", False)])
    out = decide(frame, matches({"p1": 1}, next_id=2))
    assert out["outcome"].to_list() == ["added", "added"]
    assert out["writes_fields"].to_list() == [False, True]
    assert out["reasons"].to_list() == [[], []]


def test_rejected_and_duplicate_rows_are_not_flagged() -> None:
    frame = clean([("p1", "e@x", False), ("p1", "e@x", False), (None, "e@x", True)])
    out = decide(frame, matches())
    assert out["outcome"].to_list() == ["added", "duplicate_in_file", "rejected"]
    assert out["reasons"].to_list() == [[], [], []]


# --- counts ----------------------------------------------------------------------------------


def test_counts_and_contact_counts() -> None:
    frame = clean(
        [
            ("old", None, False),  # existing, in campaign: skipped
            ("new", None, False),
            ("new", None, False),  # duplicate
            (None, None, True),
            ("old2", None, False),  # existing, not in campaign: added
        ]
    )
    out = decide(frame, matches({"old": 1, "old2": 2}, in_campaign=[1], next_id=3))
    assert out["outcome"].to_list() == [
        "skipped_existing",
        "added",
        "duplicate_in_file",
        "rejected",
        "added",
    ]
    assert dedupe.counts(out) == {
        "added": 2,
        "updated": 0,
        "skipped_existing": 1,
        "duplicate_in_file": 1,
        "rejected": 1,
    }
    assert dedupe.contact_counts(out) == {"created": 1, "existing": 2}


def test_decide_keeps_file_order() -> None:
    frame = clean([(f"p{i % 7}", f"e{i % 5}", i % 11 == 0) for i in range(1, 200)])
    out = decide(frame, matches({"p3": 1}, owners={"e2": 1}, next_id=2), on_duplicate="update")
    assert out["row"].to_list() == list(range(1, 200))


# --- property: whatever the file and store, the writes keep emails unique -------------------

KEYS = st.sampled_from(["p1", "p2", "p3", "p4", "p5"])
OTHERS = st.one_of(st.none(), st.sampled_from(["e1", "e2", "e3", "e4"]))


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(KEYS, OTHERS, st.booleans()), min_size=1, max_size=12),
    stored=st.dictionaries(KEYS, OTHERS, max_size=4),
    in_campaign=st.sets(st.integers(1, 5)),
    action=st.sampled_from(["skip", "update", "create_new"]),
    has_campaign=st.booleans(),
    key=st.sampled_from(["phone", "email"]),
)
def test_writes_never_break_uniqueness(
    rows: list[tuple[str, str | None, bool]],
    stored: dict[str, str | None],
    in_campaign: set[int],
    action: str,
    has_campaign: bool,
    key: str,
) -> None:
    other_col = dedupe.other_field(key)
    code = "email_in_use" if key == "phone" else "phone_in_use"
    # The store: contact ids 1.. for the stored keys, each other value held once at most.
    store_ids = {k: i for i, k in enumerate(sorted(stored), start=1)}
    store_other: dict[int, str | None] = {}
    seen: set[str] = set()
    for k, other in stored.items():
        store_other[store_ids[k]] = other if other not in seen else None
        if other is not None:
            seen.add(other)
    owners = {o: cid for cid, o in store_other.items() if o is not None}
    frame = clean(rows, key)  # rejected rows keep their key: malformed and --strict rows do
    found = matches(
        store_ids, owners, sorted(in_campaign & set(store_ids.values())), next_id=len(store_ids) + 1
    )
    out = decide(frame, found, key=key, on_duplicate=action, has_campaign=has_campaign)

    assert sum(dedupe.counts(out).values()) == len(rows)
    final = dict(store_other)
    new = out.filter(pl.col("creates"))
    assert new["contact_id"].is_unique().all()
    assert new["key_value"].is_unique().all()
    for cid, other in new.select("contact_id", other_col).iter_rows():
        assert cid not in final
        final[cid] = other
    updates = out.filter(pl.col("writes_fields") & pl.col("existing_id").is_not_null())
    assert updates["contact_id"].is_unique().all()
    if action != "update":
        assert updates.height == 0
    for cid, other in updates.select("contact_id", other_col).iter_rows():
        final[cid] = other if other is not None else final[cid]
    held = [o for o in final.values() if o is not None]
    assert len(held) == len(set(held))
    # A value is only ever dropped with the reason that says so.
    dropped = out.filter(pl.col(other_col).is_null() & ~pl.col("rejected"))
    for (row,) in dropped.select("row").iter_rows():
        had = rows[row - 1][1]
        reasons = out.filter(pl.col("row") == row)["reasons"][0].to_list()
        assert (had is None) != (code in reasons)
