"""Fuzz tests run in the normal suite, bounded (see fuzz_settings.py); `-m fuzz` selects
them and `-m "not fuzz"` leaves them out (the marker is declared in pyproject.toml)."""
