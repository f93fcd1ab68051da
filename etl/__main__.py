"""python -m etl."""

from etl.cli import entry

entry()
