"""One palette for every page: the same status always has the same colour."""

STATUS_COLORS = {
    "success": "#2e9d5b", "up": "#2e9d5b",
    "failed": "#d63939", "down": "#d63939",
    "running": "#2f7ed8", "queued": "#8c98a4",
    "cancelled": "#6c757d", "skipped": "#adb5bd",
    "degraded": "#f0a020", "unknown": "#adb5bd",
    "firing": "#d63939", "acknowledged": "#f0a020", "resolved": "#2e9d5b",
}

BADGE = {
    "success": "success", "up": "success", "resolved": "success",
    "failed": "danger", "down": "danger", "firing": "danger",
    "running": "primary", "queued": "secondary", "cancelled": "secondary",
    "skipped": "light", "degraded": "warning", "acknowledged": "warning",
    "unknown": "secondary",
}


def color(status: str | None) -> str:
    return STATUS_COLORS.get(status or "unknown", STATUS_COLORS["unknown"])


def badge_color(status: str | None) -> str:
    return BADGE.get(status or "unknown", "secondary")
