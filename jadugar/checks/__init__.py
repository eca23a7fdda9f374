"""Check types: each kind of check is one module here (http.py, dns.py, ...) holding one
`CheckType`, and registry.py is the one list of them (plus plug-ins from other packages).

A plug-in builds its type from what this package exports:

    from jadugar.checks import CheckType, Result, Schema, Setting, Target
"""

from .kind import CheckType, Form, FormField, Target
from .probe import CheckSpec, Probe, ProbeContext, Result
from .schema import Schema, Setting, fail

__all__ = ["CheckSpec", "CheckType", "Form", "FormField", "Probe", "ProbeContext", "Result",
           "Schema", "Setting", "Target", "fail"]
