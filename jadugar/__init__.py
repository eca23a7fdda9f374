"""Jadugar: build tracking and application monitoring on PostgreSQL."""

__version__ = "0.1.0"
