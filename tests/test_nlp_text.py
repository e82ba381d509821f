"""Tokenizer, sentence splitting, entities: the text layer of the objection tagger."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadscan.lockname import normalize_lock
from threadscan.nlp.cues import load_cues
from threadscan.nlp.entities import find_entities
from threadscan.nlp.sentences import is_code_line, split_sentences


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from threadscan.nlp.pipeline import blank_nlp

    return blank_nlp()


@pytest.mark.parametrize(
    "token",
    ["kvm->lock", "&mvdev->state_mutex", "foo()", "spin_lock_irqsave()", "-EAGAIN",
     "p2m->pod.entry_count", "AB-BA", "vpci_{read,write}", "-->"],
)
def test_tokenizer_keeps_code_token_whole(nlp, token: str) -> None:  # type: ignore[no-untyped-def]
    words = [t.text for t in nlp(f"We take {token}, then return.")]
    assert token in words


def test_tokenizer_still_splits_sentence_punctuation(nlp) -> None:  # type: ignore[no-untyped-def]
    words = [t.text for t in nlp("hold kvm->lock. Then foo().")]
    assert words == ["hold", "kvm->lock", ".", "Then", "foo()", "."]


def test_wrapped_mail_lines_join_into_sentences() -> None:
    text = (
        "Could the the path t1 takes simply hold the mutex for the duration of\n"
        "its execution instead of dropping and reacquiring it in the middle?\n"
        "Here's the relevant code from vas_allocate_window():\n"
        "\tmutex_lock(&vas_pseries_mutex);\n"
        "\tif (migration_in_progress)\n"
        "\t\trc = -EBUSY;\n"
    )
    assert split_sentences(text) == [
        "Could the the path t1 takes simply hold the mutex for the duration of its execution "
        "instead of dropping and reacquiring it in the middle?",
        "Here's the relevant code from vas_allocate_window():",
    ]


def test_numbered_list_items_become_own_sentences() -> None:
    text = ("I think this is conflating two issues:\n1. Insufficient serialization of\n"
            "PRRNs and LPM. E.g. we could migrate while processing a PRRN.\n"
            "2) The NUMA topology update processing.\n- a dash bullet here\n")
    assert split_sentences(text) == [
        "I think this is conflating two issues:",
        "Insufficient serialization of PRRNs and LPM.",
        "E.g. we could migrate while processing a PRRN.",
        "The NUMA topology update processing.",
        "a dash bullet here",
    ]


def test_star_bullets_at_the_margin_are_prose_and_keep_their_wrapped_lines() -> None:
    # Mikulas Patocka's review in the benchmark mbox (dm-pcache), as quoted in the reply
    text = ("When you retry the request, there are these possibilities:\n"
            "* you don't need the memory anymore - then, you just free it\n"
            "* you need the amount of memory that was allocated - you just proceed\n"
            "   while holding the spinlock\n"
            "* you need more memory than what you allocated - you drop the spinlock,\n"
            "   free the memory, allocate a larger memory block and retry again\n")
    assert split_sentences(text)[1:] == [
        "you don't need the memory anymore - then, you just free it",
        "you need the amount of memory that was allocated - you just proceed while holding "
        "the spinlock",
        "you need more memory than what you allocated - you drop the spinlock, free the "
        "memory, allocate a larger memory block and retry again",
    ]


def test_a_call_with_arguments_is_its_name_and_its_arguments(nlp) -> None:  # type: ignore[no-untyped-def]
    # cue data and entities know "kmalloc", "GFP_KERNEL" and "&dev->lock", not "kmalloc(GFP_KERNEL"
    words = [t.text for t in nlp("kmalloc(GFP_KERNEL) under mutex_lock(&dev->lock), not foo().")]
    assert words == ["kmalloc", "(", "GFP_KERNEL", ")", "under", "mutex_lock", "(", "&dev->lock",
                     ")", ",", "not", "foo()", "."]


def test_a_sentence_may_start_with_a_call_with_arguments() -> None:
    text = "Allocating here may sleep. kzalloc(GFP_KERNEL) under a spinlock is not allowed."
    assert split_sentences(text) == ["Allocating here may sleep.",
                                     "kzalloc(GFP_KERNEL) under a spinlock is not allowed."]


def test_no_split_inside_abbreviations_calls_and_versions() -> None:
    text = ("This broke in v6.2-rc1, i.e. when foo() was added. Locks (e.g. the mutex) vs. "
            "spinlocks etc. are fine.")
    assert split_sentences(text) == [
        "This broke in v6.2-rc1, i.e. when foo() was added.",
        "Locks (e.g. the mutex) vs. spinlocks etc. are fine.",
    ]


def test_salutation_and_signoff_are_not_glued_to_prose() -> None:
    assert split_sentences("Hi Juliet,\nthis races.\nThanks,\nNathan") == [
        "Hi Juliet,", "this races.", "Thanks,", "Nathan"]


def test_a_trailer_line_is_not_glued_to_the_prose_after_it() -> None:
    # a pasted review: Jan Kara's tag, then Thomas Gleixner's sentence (labeled threads)
    text = ("Reviewed-by: Jan Kara <jack@suse.cz>\nSo the resulting mask, which is handed into"
            "\nthe spreading code can be concurrently modified.")
    assert split_sentences(text) == [
        "Reviewed-by: Jan Kara <jack@suse.cz>",
        "So the resulting mask, which is handed into the spreading code can be concurrently "
        "modified."]


@pytest.mark.parametrize("line", ["\tmutex_lock(&vas_pseries_mutex);", "}", "again:",
                                  "\t\trc = -EBUSY;", "#include <linux/mutex.h>",
                                  "static void foo(struct bar *b)",
                                  "RIP: 0010:__lock_acquire+0x4a/0x1e0",
                                  "[   12.345678] BUG: sleeping function called from invalid",
                                  " ? blk_mq_freeze_queue+0x15/0x20",
                                  " * The lock must be held by the caller.",
                                  "\t * zwplug->from_cpu must not change while writes are pending"])
def test_c_lines_are_code(line: str) -> None:
    assert is_code_line(line)


@pytest.mark.parametrize("line", ["Is there something about h_modify_vas_window() or",
                                  "that requires temporarily dropping the lock?"])
def test_prose_lines_ending_in_calls_are_not_code(line: str) -> None:
    assert not is_code_line(line)


def test_entities_mark_locks_functions_apis_and_splats() -> None:
    cues = load_cues()
    text = ("Keep in mind that &kvm->lock must be taken outside of the matrix_mdev->lock "
            "(a lockdep splat: possible circular locking dependency detected) when "
            "vfio_ap_mdev_set_kvm() calls mutex_lock().")
    ents = [(e.label, e.text) for e in find_entities(text, cues)]
    assert ("LOCK", "kvm->lock") in ents
    assert ("LOCK", "matrix_mdev->lock") in ents
    assert ("FUNC", "vfio_ap_mdev_set_kvm") in ents
    assert ("LOCK_API", "mutex_lock") in ents
    assert ("SPLAT", "possible circular locking dependency detected") in ents


def test_config_symbols_false_friends_and_lock_types_are_no_locks() -> None:
    cues = load_cues()

    def locks(text: str) -> list[str]:
        return [e.text for e in find_entities(text, cues) if e.label == "LOCK"]

    # Sean Christopherson on kvmarm ("KVM: x86: Expose TSC offset controls to userspace");
    # an iomap patch description on linux-block
    assert locks("get_kvmclock_and_realtime() checks arch.use_master_clock under "
                 "pvclock_gtod_sync_lock, but this does not.") == ["pvclock_gtod_sync_lock"]
    assert locks("Move this logic out of the CONFIG_BLOCK guard.") == []
    assert locks("#ifdef CONFIG_PARAVIRT_SPINLOCKS") == []
    # Nilay Shroff on linux-block: a lock type is no lock
    assert locks("And that should be okay, as typically the semantics of rw_semaphore is a "
                 "multiple readers and single writer lock mechanism.") == []


def test_a_call_abbreviated_after_a_slash_is_the_stems_function() -> None:
    cues = load_cues()

    def calls(text: str) -> list[tuple[str, str]]:
        return [(e.label, e.text) for e in find_entities(text, cues)]

    # Petr Mladek and Catalin Marinas on linuxppc-dev / kvmarm
    assert calls("IMHO, we would need to explicitly call local_irq_save()/restore() if we "
                 "moved them to console_lock_spinning_enable()/disable_and_check().") == [
        ("LOCK_API", "local_irq_save"), ("LOCK_API", "local_irq_restore"),
        ("FUNC", "console_lock_spinning_enable"),
        ("FUNC", "console_lock_spinning_disable_and_check")]
    assert ("FUNC", "ptep_modify_prot_end") in calls(
        "If we are to do it in the arch code, maybe easier with a custom "
        "ptep_modify_prot_start/end() where we check if it's VM_SHARED and VM_MTE")
    # a suffix talked about is no function (Paul E. McKenney on the locktypes.rst patch)
    assert calls("The soft interrupt related suffix (_bh()) still disables softirq "
                 "handlers.") == []


def test_thread_identifiers_become_entities() -> None:
    ents = find_entities("the migration_in_progress flag", load_cues(),
                         known=["migration_in_progress"])
    assert [(e.label, e.text) for e in ents] == [("FUNC", "migration_in_progress")]


def test_normalize_lock_strips_ampersand_spaces_and_parens() -> None:
    assert normalize_lock("&(q->limits_lock)") == "q->limits_lock"
    assert normalize_lock("& mvdev->state_mutex") == "mvdev->state_mutex"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_splitter_never_crashes_and_keeps_words(text: str) -> None:
    for sentence in split_sentences(text):
        assert sentence.strip() == sentence and sentence
        assert all(word in text for word in sentence.split()[:3] if ">" not in word)


def test_editorial_notes_and_ellipses_are_not_glued_to_prose() -> None:
    text = ("...\n[ with similar loops in the window allocate and modify functions ]\n"
            "If get_longbusy_msecs() typically returns low values, then you\n"
            "should prefer usleep_range() over msleep().\n")
    assert split_sentences(text) == [
        "[ with similar loops in the window allocate and modify functions ]",
        "If get_longbusy_msecs() typically returns low values, then you should prefer "
        "usleep_range() over msleep().",
    ]
