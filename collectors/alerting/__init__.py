"""Alert evaluation: facts from SQL (facts.py) → a pure decision (decide.py) → alerts and
the notification outbox (evaluate.py)."""

from .decide import Decision, RuleState, decide
from .evaluate import evaluate_rules

__all__ = ["Decision", "RuleState", "decide", "evaluate_rules"]
