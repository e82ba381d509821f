"""The word-vector corpus script reads the prose of kernel C sources (scripts/vector_corpus.py).

Input: the new file kernel/dependency/dept.c as added by a real patch (the DEPT series,
tests/data/extract, byte-exact), i.e. real kernel source text.
"""

from __future__ import annotations

from pathlib import Path

from tests.scriptmod import load_script

DATA = Path(__file__).parent / "data" / "extract"
PATCH = DATA / "linux-block-007-dept-track-timeout-waits-separately-with-a-new-kconfig.mbox"


def _added_file(name: str) -> str:
    """The text of a file the patch adds (its hunk's '+' lines, without the '+')."""
    lines = PATCH.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"+++ b/{name}") + 2
    body = []
    for line in lines[start:]:
        if not line.startswith("+"):
            break
        body.append(line[1:])
    return "\n".join(body)


def test_comment_paragraphs_are_joined_without_their_decoration() -> None:
    vc = load_script("vector_corpus")
    paras = list(vc.paragraphs("kernel/dependency/dept.c", _added_file("kernel/dependency/dept.c")))
    assert ("DEPT provides a general way to detect deadlock possibility in runtime and the "
            "interest is not limited to typical lock but to every syncronization primitives."
            ) in paras
    assert not any(p.startswith("*") or " * " in p for p in paras)


def test_licence_and_copyright_lines_are_not_prose() -> None:
    vc = load_script("vector_corpus")
    paras = list(vc.paragraphs("kernel/dependency/dept.c", _added_file("kernel/dependency/dept.c")))
    assert paras and not any("Copyright" in p or "SPDX" in p for p in paras)


def test_only_c_sources_and_documentation_text_are_read() -> None:
    vc = load_script("vector_corpus")
    assert vc._wanted("linux-source-6.1/kernel/locking/mutex.c")
    assert vc._wanted("linux-source-6.1/Documentation/locking/lockdep-design.rst")
    assert not vc._wanted("linux-source-6.1/kernel/locking/Makefile")
    assert not vc._wanted("linux-source-6.1/Documentation/conf.py")
