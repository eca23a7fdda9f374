"""The uptime bars are coloured by CSS; the CSS must use the one palette of theme.py."""

import re
from pathlib import Path

from jadugar.ui.theme import STATUS_COLORS

CSS = Path(__file__).resolve().parents[2] / "assets" / "monitoring.css"


def test_it_colours_uptime_bars_with_the_theme_palette():
    rules = dict(re.findall(r"\.ub-(\w+) \{ background: (#[0-9a-f]{6}); \}", CSS.read_text()))
    assert rules == {s: STATUS_COLORS[s] for s in ("up", "degraded", "down", "unknown")}
