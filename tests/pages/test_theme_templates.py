"""The two Plotly templates of jadugar/ui/theme.py, and the rule that keeps them in charge:
figure builders set no background or text colours of their own (the browser swaps the
template for dark mode, and an explicit colour would win over it in one of the modes)."""

import re
from pathlib import Path

import plotly.io as pio
import pytest

from jadugar.ui import theme

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "jadugar" / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]
FIXED_COLOURS = re.compile(r"paper_bgcolor|plot_bgcolor|\"#333\"|'#333'|#000000|\"black\"")


def brightness(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize(("name", "dark"), [(theme.LIGHT, False), (theme.DARK, True)])
def test_it_registers_a_template_per_mode(name, dark):
    layout = pio.templates[name].layout
    paper, text = layout.paper_bgcolor, layout.font.color
    assert layout.plot_bgcolor == paper
    assert (brightness(paper) < 0.2) is dark and (brightness(text) > 0.6) is dark
    assert layout.xaxis.tickfont.color and layout.yaxis.gridcolor


def test_it_sends_both_templates_to_the_browser():
    sent = theme.templates_for_browser()
    assert set(sent) == {"light", "dark"}
    assert sent["dark"]["layout"]["paper_bgcolor"] == "#212529"


def test_it_leaves_figure_colours_to_the_templates():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in SOURCES if path.name != "theme.py"
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if FIXED_COLOURS.search(line)]
    assert offenders == []
