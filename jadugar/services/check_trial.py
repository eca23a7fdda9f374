"""Trying a check before (or without) saving it: the form's values validated as a save
would, stored secrets filled in where an edit left ***, then one probe run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from jadugar import secrets as vault
from jadugar.checks.probe import CheckSpec, Result
from jadugar.checks.trial import try_once
from jadugar.services import check_credentials as credentials
from jadugar.services.check_fields import clean_check
from jadugar.services.checks import get_check


def try_check(conn: Connection, data: dict[str, Any], editing: int | None = None) -> Result:
    """1. validate like a create, 2. for an edit, carry the stored secrets, 3. run once."""
    values = clean_check(data, partial=False)
    if editing is not None:
        current = get_check(conn, editing)
        try:
            target, options = credentials.unseal(current.target, current.options,
                                                 current.credentials)
        except vault.UnreadableSecret:
            target, options = current.target, current.options or {}
        values = credentials.carry(values, target, options, current.type)
    return try_once(CheckSpec(id=0, type=values["type"], target=values["target"],
                              timeout_s=values["timeout_s"], expect=values.get("expect", {}),
                              options=values.get("options", {})))
