from datetime import UTC, datetime

import pandas as pd
import pytest

from jadugar.ui.clock import local_time, localise


@pytest.mark.parametrize("tz,expected", [
    ("Asia/Kolkata", "2026-11-25 17:30"), ("UTC", "2026-11-25 12:00"),
    (None, "2026-11-25 12:00"), ("Mars/Olympus", "2026-11-25 12:00 UTC"),
])
def test_it_shows_utc_times_in_the_browsers_zone(tz, expected):
    assert local_time(datetime(2026, 11, 25, 12, tzinfo=UTC), tz) == expected


def test_it_localises_only_the_time_columns_of_a_frame():
    df = pd.DataFrame({"created_at": pd.to_datetime(["2026-11-25T12:00Z"], utc=True),
                       "duration_s": [60.0]})
    out = localise(df, "America/New_York", ("created_at",))
    assert out["created_at"].iloc[0].hour == 7 and out["duration_s"].iloc[0] == 60
    assert df["created_at"].iloc[0].hour == 12  # the input is left alone
    assert localise(df, "Mars/Olympus", ("created_at",)) is df
