"""A signed-in user's light/dark choice, kept on the server so it follows them to any
browser; assets/theme.js reads it from the `jadugar-theme` cookie that sign-in and each
change set (COOKIE)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from jadugar.errors import Invalid

COOKIE = "jadugar-theme"
CHOICES = ("light", "dark", "auto")  # auto: follow the system setting


def get(conn: Connection, user_id: int) -> str:
    value = conn.execute(text("select theme from users where id = :id"),
                         {"id": user_id}).scalar()
    return value or "auto"


def set_choice(conn: Connection, user_id: int, choice: str) -> str:
    if choice not in CHOICES:
        raise Invalid(f"theme must be one of {', '.join(CHOICES)}", field="theme")
    conn.execute(text("update users set theme = :t where id = :id and theme is distinct from :t"),
                 {"t": None if choice == "auto" else choice, "id": user_id})
    return choice


def set_cookie(response, choice: str) -> None:  # noqa: ANN001 (a Flask response)
    # Read by assets/theme.js before the page paints: not a secret, so not HttpOnly.
    response.set_cookie(COOKIE, choice, max_age=400 * 86400, samesite="Lax", httponly=False,
                        secure=False, path="/")
