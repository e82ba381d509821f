"""Context pseudo-words (nlp/context.py) and how the tagger uses them."""

from __future__ import annotations

from threadscan.nlp.context import LOCK_FUNC, context_words, lock_func_words, text_words
from threadscan.nlp.pipeline import model_input


def test_reviewer_question_about_quoted_diff_gets_role_diff_and_question() -> None:
    words = context_words("Why does it need to hold the lock?", author=False, diff_above=True)
    assert words[:2] == ("zzctxreviewer", "zzctxdiff")
    assert "zzctxquestion" in words


def test_patch_author_explanation_is_marked_author() -> None:
    words = context_words("I think the lock is only taken from process context.",
                          author=True, diff_above=False)
    assert words[0] == "zzctxauthor"
    assert "zzctxhedge" in words and "zzctxdiff" not in words


def test_free_text_has_no_role_word() -> None:
    words = context_words("Please use a mutex here instead.", author=None, diff_above=False)
    assert not {"zzctxauthor", "zzctxreviewer"} & set(words)
    assert "zzctxyou" in words


def test_splat_intro_and_signoff_are_colon_and_short() -> None:
    assert "zzctxcolon" in text_words("I saw this splatting:")
    assert "zzctxshort" in text_words("Thanks, Ming")


def test_context_words_reach_the_model_only_with_ctx_features() -> None:
    ctx = ("zzctxauthor",)
    assert model_input("This can deadlock.", (), (), "text+cues+ctx", ctx).endswith("zzctxauthor")
    assert "zzctx" not in model_input("This can deadlock.", (), (), "text+cues", ctx)
    assert model_input("This can deadlock.", (), (), "text", ctx) == "This can deadlock."


def test_naming_a_lock_changing_function_is_the_lock_function_word() -> None:
    changed = frozenset({"lo_release", "__loop_clr_fd"})
    text = "I think we need to wait for __loop_clr_fd() from lo_release() to complete."
    assert lock_func_words(text, changed) == (LOCK_FUNC,)
    assert lock_func_words("Please release the device first.", frozenset({"release"})) == ()
    assert lock_func_words(text, frozenset({"loop_configure"})) == ()
    assert lock_func_words(text, frozenset()) == ()
