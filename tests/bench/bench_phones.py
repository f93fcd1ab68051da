"""Time phones.normalize_pairs on 50,000 distinct realistic US-style values (not a test)."""

from __future__ import annotations

import random
import time

import polars as pl

from etl import phones

FORMATS = (
    "{a}{b}{c}",
    "({a}) {b}-{c}",
    "{a}-{b}-{c}",
    "+1 {a} {b} {c}",
    "1-{a}-{b}-{c}",
    "{a}.{b}.{c}",
)
BAD = ("N/A", "unknown", "{b}-{c}", "5.55123E+09", "1-800-FLOWERS", "{a}{b}", "n/a", "-")


def corpus(n: int, seed: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    values: set[str] = set()
    while len(values) < n:
        a = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
        b = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
        c = f"{rng.randint(0, 9999):04d}"
        fmt = rng.choice(BAD) if rng.random() < 0.03 else rng.choice(FORMATS)
        values.add(fmt.format(a=a, b=b, c=c))
    shuffled = sorted(values)
    rng.shuffle(shuffled)  # files are not sorted by phone number
    return pl.DataFrame({"value": shuffled, "region": "US"})


def main() -> None:
    pairs = corpus(50_000)
    phones.normalize_pairs(pairs.head(100), "possible")  # tables + regex warm-up
    wall = {"fast_path": [], "normalize_pairs": []}
    cpu = {"fast_path": [], "normalize_pairs": []}
    for _ in range(15):
        for name, run in (
            ("fast_path", lambda: phones.fast_path(pairs)),
            ("normalize_pairs", lambda: phones.normalize_pairs(pairs, "possible")),
        ):
            w, c = time.perf_counter(), time.process_time()
            run()
            wall[name].append(time.perf_counter() - w)
            cpu[name].append(time.process_time() - c)
    fast = phones.fast_path(pairs)
    undecided = fast.filter(~pl.col("decided")).height
    for name in wall:
        print(
            f"{name:16} wall best {min(wall[name]) * 1000:5.1f} ms "
            f"median {sorted(wall[name])[7] * 1000:5.1f} ms  "
            f"cpu best {min(cpu[name]) * 1000:5.1f} ms"
        )
    print(f"values={pairs.height} fallback={undecided} ({undecided / pairs.height:.2%})")


if __name__ == "__main__":
    main()
