"""`make bench`: timings of the import against a 1M-contact store, and two baselines (SPEC 11).

Not a test module: pytest ignores this folder (`--ignore=tests/bench` in pyproject.toml).
"""
