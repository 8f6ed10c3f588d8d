"""prkg's graph layer: reading the curated data, validating, reasoning and storing it."""

__version__ = "0.1.0"
