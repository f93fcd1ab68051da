"""The --mapping option: a JSON object inline or in a file."""

from __future__ import annotations

import json
from pathlib import Path

from etl.errors import InvalidArgument


def load_mapping(text: str | None) -> dict[str, str | None]:
    """`{"CSV column": "field"}` from inline JSON or a path to a .json file."""
    if text is None:
        return {}
    source = text
    stripped = text.strip()
    if not stripped.startswith("{"):
        path = Path(text)
        try:
            source = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidArgument(
                f"--mapping is neither a JSON object nor a readable JSON file: {text!r}"
            ) from exc
    try:
        value = json.loads(source)
    except ValueError as exc:
        raise InvalidArgument(f"--mapping is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidArgument('--mapping must be a JSON object {"CSV column": "field"}')
    bad = [k for k, v in value.items() if v is not None and not isinstance(v, str)]
    if bad:
        raise InvalidArgument(f'--mapping values must be field names, null or "": {bad[0]!r}')
    return value
