"""The per-process memos of the ingest paths stay bounded: full, they start over."""

from jadugar.memo import Memo


def test_it_keeps_results_until_full_then_starts_over():
    memo: Memo[str, int] = Memo(3)
    for i, key in enumerate("abc"):
        memo.keep(key, i)
    assert dict(memo) == {"a": 0, "b": 1, "c": 2}
    memo.keep("d", 3)
    assert dict(memo) == {"d": 3}
