"""Regular expressions that users write (expect.body_regex), run with RE2.

Python's `re` backtracks: `^(a+)+$` against "aaaa…!" takes exponential time, holds the GIL,
and froze the whole collector (no results, SIGTERM unheard). RE2 matches in time linear in
the text, refuses what it cannot do that way (backreferences, lookaround), and releases the
GIL while it works. Linear is still text × program size, so both are capped:
MAX_PROGRAM_SIZE here and MAX_MATCHED_BYTES of body in the http probe (about 2 s of one
core at worst, spent off the event loop).
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

import re2

MAX_PROGRAM_SIZE = 400  # RE2 instructions; real checks use 10-60
MAX_MATCHED_BYTES = 1024 * 1024
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is the user's typo, not a line on stderr
# Matching runs here, not on the event loop: RE2 releases the GIL, so other checks go on.
_MATCHER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jadugar-regex")


class PatternError(ValueError):
    """A pattern RE2 refuses; the message completes "expect.body_regex ..."."""


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re2._Regexp:
    """Compile a user pattern with RE2, or raise PatternError saying why not."""
    try:
        compiled = re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        raise PatternError(f"is not a regular expression RE2 accepts: {_reason(exc)} "
                           "(backreferences and lookaround are not supported)") from None
    if compiled.programsize > MAX_PROGRAM_SIZE:
        raise PatternError(f"is too complex (RE2 program size {compiled.programsize}, "
                           f"at most {MAX_PROGRAM_SIZE})")
    return compiled


def _reason(exc: re2.error) -> str:
    reason = exc.args[0] if exc.args else ""
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


async def search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text` (PatternError when RE2 refuses it)."""
    compiled = compile_pattern(pattern)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_MATCHER, _found, compiled, text)


def _found(compiled: re2._Regexp, text: str) -> bool:
    return compiled.search(text) is not None
