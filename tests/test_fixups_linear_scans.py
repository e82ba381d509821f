"""The linear argument splitter and line unflattener give the results of the plain scans.

``ccode.split_args`` / ``iter_calls`` read a call's arguments from one bracket map per
line (linear in the line), and ``extract.unflatten`` keeps running counts per rebuilt
line; both must agree with the character scan they replaced.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from threadscan.extract import ccode
from threadscan.extract.unflatten import unflatten_diff

SEED003 = Path(__file__).parent / "data" / "seeds" / "003_7f74704c25fc2499.txt"
CODE = st.text(alphabet="ab_ ,;&()[]{}->", max_size=40)


@settings(max_examples=400, deadline=None)
@given(CODE, st.integers(0, 40))
def test_split_args_matches_the_character_scan(text: str, start: int) -> None:
    assert ccode.split_args(text, start) == ccode._split_args_scan(text, start)


@settings(max_examples=300, deadline=None)
@given(CODE, st.lists(st.text(alphabet="a ,()", max_size=8), max_size=3))
def test_iter_calls_args_match_the_character_scan(code: str, more: list[str]) -> None:
    joined = code + " " + " ".join(more)
    for call in ccode.iter_calls(code, more):
        pos = code.index("(", call.start)
        args, closed = ccode._split_args_scan(code, pos)
        if not closed and more:
            args, _ = ccode._split_args_scan(joined, pos)
        assert call.args == args


def test_split_args_of_a_real_lock_call() -> None:
    line = "\tspin_lock_irqsave(&ctx->lock, flags); f(g(a, b), c"
    calls = {c.name: c.args for c in ccode.iter_calls(line)}
    assert calls == {"spin_lock_irqsave": ("&ctx->lock", "flags"),
                     "f": ("g(a, b)", "c"), "g": ("a", "b")}
    assert ccode.split_args(line, line.index("(")) == (("&ctx->lock", "flags"), True)
    assert ccode.split_args(line, line.rindex("f(") + 1) == (("g(a, b)", "c"), False)


def test_seed003_flattened_quoted_hunks_keep_their_lines() -> None:
    flat = next(ln for ln in SEED003.read_text().splitlines() if ln.count("@@ -") >= 2)
    lines = unflatten_diff(flat[flat.index("diff --git"):]).splitlines()
    assert lines[:3] == ["diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c",
                         "index acd205bcff70..63a889210ef3 100644",
                         "@@ -28,9 +28,12 @@ > struct mlx5vf_pci_core_device {"]
    assert " > + spinlock_t reset_lock;" in lines
    assert " > + spin_unlock(&mvdev->reset_lock);" in lines
    assert lines.count(" > - mutex_unlock(&mvdev->state_mutex);") == 2
