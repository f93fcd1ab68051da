"""Declarations: the alias table and the Pandera schemas."""
