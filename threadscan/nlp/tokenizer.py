"""Tokenizer rules that keep code intact in review prose.

``kvm->lock``, ``&mvdev->state_mutex``, ``foo()``, ``spin_lock_irqsave()``,
``-EAGAIN``, ``p2m->pod.entry_count``, ``AB-BA``, ``vpci_{read,write}`` and
``-->`` stay single tokens. Trailing sentence punctuation is still split off
(spaCy re-tries ``token_match`` after removing each prefix/suffix). A call with
arguments splits at its parenthesis: ``kmalloc``, ``(``, ``GFP_KERNEL``, ``)``, so
that cue phrases and lock APIs match inside it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_INDEX = r"(?:\[[^\]\s]{0,20}\])?"
CODE_TOKEN = re.compile(
    "|".join(
        [
            rf"[&*]?\(?{_ID}{_INDEX}(?:(?:->|\.){_ID}{_INDEX})+\)?(?:\(\))?",  # member paths
            rf"[&*]{_ID}{_INDEX}",  # &lock
            rf"{_ID}\(\)",  # foo()
            rf"{_ID}_\{{[A-Za-z0-9_,]+\}}(?:_{_ID})?(?:\(\))?",  # vpci_{read,write}
            r"-E[A-Z0-9]{2,}",  # -EAGAIN
            r"[A-Z]{1,3}-[A-Z]{1,3}",  # AB-BA
            r"-+>|<-+|=>",  # arrows
            rf"{_ID}_{_ID}",  # snake_case identifiers
        ]
    )
)


# "kmalloc(GFP_KERNEL)": a call with arguments is its name, "(", the arguments, ")" (the name
# and a lock argument stay tokens the cues and entities know; "foo()" is one token)
CALL_OPEN = r"(?<=[A-Za-z0-9_])\((?=[^)\s])"


def _code_match(text: str) -> re.Match[str] | None:
    return CODE_TOKEN.fullmatch(text)


def customize_tokenizer(nlp: Language) -> None:
    """Install the code-preserving token_match, and the call-splitting infix, on
    ``nlp.tokenizer`` (idempotent)."""
    from spacy.util import compile_infix_regex, compile_prefix_regex

    tokenizer: Any = nlp.tokenizer
    previous = getattr(tokenizer, "token_match", None)
    if previous is _code_match:
        return
    prefixes = [p for p in (nlp.Defaults.prefixes or ()) if p not in ("&", r"\&")]
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    infixes = [*(nlp.Defaults.infixes or ()), CALL_OPEN]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer

    def match(text: str) -> re.Match[str] | None:
        return _code_match(text) or (previous(text) if previous else None)

    tokenizer.token_match = _code_match if previous is None else match
