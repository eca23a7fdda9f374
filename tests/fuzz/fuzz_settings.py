"""Hypothesis settings for the fuzz tests. By default the same 200 examples per test on
every run, so a failure in CI reproduces locally; FUZZ_EXAMPLES=5000 makes a longer,
random search (for the Schemathesis test too, per operation)."""

import os

from hypothesis import HealthCheck, settings

DEEP_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 0)

# The API fixtures are per test, not per example: the examples share one database, as the
# requests to a server do.
FUZZ = settings(max_examples=DEEP_EXAMPLES or 200, derandomize=not DEEP_EXAMPLES, deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
