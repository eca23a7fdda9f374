"""Fuzz tests run in the normal suite, bounded (see fuzz_settings.py); `-m fuzz` selects
them and `-m "not fuzz"` leaves them out."""


def pytest_configure(config):
    config.addinivalue_line("markers", "fuzz: bounded Hypothesis or Schemathesis fuzzing")
