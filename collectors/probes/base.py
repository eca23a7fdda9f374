"""Kept for `collectors.main`, which imports open_session from here; the probe interface
itself lives in jadugar/checks/probe.py."""

from jadugar.checks.probe import open_session

__all__ = ["open_session"]
