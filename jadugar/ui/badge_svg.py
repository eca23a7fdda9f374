"""A flat two-part badge as SVG (label | message), in a light or a dark theme. Widths are
estimated from the text (no font metrics on the server): wide enough for Verdana 11px."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from jadugar.ui.theme import color

THEMES = {"light": {"label": "#555", "text": "#fff", "shadow": "#010101"},
          "dark": {"label": "#2b3035", "text": "#f8f9fa", "shadow": "#000"}}
_NARROW = set("fijlrtI1.,:;|!' ")
_WIDE = set("mwMW%@")


def text_width(text: str) -> int:
    """About the width of `text` in Verdana 11px, in pixels."""
    return round(sum(4 if c in _NARROW else 10 if c in _WIDE else 7 for c in text))


def render(label: str, message: str, tone: str, theme: str = "light") -> str:
    """`tone` is a status (up, degraded, down, unknown) and picks the message's colour."""
    colors = THEMES.get(theme, THEMES["light"])
    left, right = text_width(label) + 10, text_width(message) + 10
    total = left + right
    title = escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label={quoteattr(f"{label}: {message}")}><title>{title}</title>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="{colors["label"]}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{color(tone)}"/></g>'
        f'<g fill="{colors["text"]}" text-anchor="middle" '
        f'font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'{_text(left / 2, label, colors)}{_text(left + right / 2, message, colors)}</g></svg>')


def _text(x: float, text: str, colors: dict[str, str]) -> str:
    body = escape(text)
    return (f'<text x="{x:g}" y="15" fill="{colors["shadow"]}" fill-opacity=".3">{body}</text>'
            f'<text x="{x:g}" y="14">{body}</text>')
