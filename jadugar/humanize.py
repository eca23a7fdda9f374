"""Numbers written for people, shared by the pages and by alert titles (which the collector
writes, so this module imports nothing from the web side)."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """45 s, 1.2 s, 18 min, 2 h 5 min, 3 d 4 h: two units at most, whole numbers past a
    minute, at most one decimal below it."""
    if seconds < 10:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    if seconds < 90:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
