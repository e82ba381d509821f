"""Diff finding, repair and parsing (threadscan.extract.diff / repair) on real text."""

from __future__ import annotations

import email
import mailbox
import re
from email import policy
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from threadscan.extract.cfunc import line_functions, section_function
from threadscan.extract.diff import find_patches, format_patch, parse_patch_text
from threadscan.extract.repair import repair_diff
from threadscan.mail import parse_item
from threadscan.model import UNKNOWN_FILE, Message, Provenance, RawItem

DATA = Path(__file__).parent / "data" / "extract"
SEED004 = DATA / "004_829cfff417aa0942.txt"
LOOP = DATA / "linux-block-028-loop-scale-loop-device-by-introducing-per-device-lock.mbox"
XEN = DATA / "xen-devel-evtchn-defer-lock-acquire-v6.mbox"


def seed004_quoted_diff() -> str:
    """The depth-2 quoted patch of seed 004, '>> ' stripped (independent of the mail parser)."""
    lines = SEED004.read_text().split("\n")
    return "\n".join(re.sub(r"^>> ?", "", ln) for ln in lines if ln.startswith(">>"))


def mbox_diffs(path: Path) -> list[tuple[str, str]]:
    out = []
    for msg in mailbox.mbox(path, factory=lambda f: email.message_from_binary_file(
            f, policy=policy.default)):
        body = msg.get_body(("plain",))
        text = body.get_content() if body else ""
        m = re.search(r"^(diff |--- \S+\n\+\+\+ )", text, re.M)
        if m:
            out.append((str(msg["message-id"]).strip("<>"), text[m.start():]))
    return out


def test_seed004_headerless_first_hunks_go_to_unknown_file() -> None:
    patch = parse_patch_text(seed004_quoted_diff(), "m4", quoted=True, depth=2)
    assert patch.files[0].path == UNKNOWN_FILE
    assert "unknown file: hunks before any file header" in patch.defects
    assert patch.quoted and patch.depth == 2


def test_seed004_hg_diff_r_headers_name_the_files() -> None:
    patch = parse_patch_text(seed004_quoted_diff(), "m4", quoted=True)
    assert [f.path for f in patch.files] == [
        UNKNOWN_FILE, "xen/arch/x86/mm/p2m-pt.c", "xen/arch/x86/mm/p2m.c",
        "xen/include/asm-x86/p2m.h",
    ]


def test_seed004_wrapped_comment_line_is_joined() -> None:
    patch = parse_patch_text(seed004_quoted_diff(), "m4", quoted=True)
    first = patch.files[0].hunks[0]
    texts = [ln.text for ln in first.lines if ln.sign == "+"]
    assert '     * This may cause "zombie domains" since the page will never be freed. */' in texts
    assert not any(ln.text.strip() == "freed. */" for ln in first.lines)
    assert any(d.startswith("wrapped long lines joined") for d in patch.defects)


def test_seed004_functions_come_from_truncated_sections() -> None:
    patch = parse_patch_text(seed004_quoted_diff(), "m4", quoted=True)
    funcs = [h.function for h in patch.files[0].hunks]
    assert funcs[0] == "p2m_pod_cache_add"
    # the section is truncated: "p2m_pod_emergency_sweep(struct p2m_domai"
    assert funcs[1] == "p2m_pod_emergency_sweep"
    assert "p2m_pod_demand_populate" in funcs
    p2m_c = patch.files[2]
    assert p2m_c.hunks[0].function == "p2m_initialise"  # section is boolean_param(...);
    assert patch.files[3].hunks[0].function is None  # struct p2m_domain {


def test_seed004_hunk_ids_and_line_numbers() -> None:
    patch = parse_patch_text(seed004_quoted_diff(), "m4", quoted=True)
    hunk = patch.files[2].hunks[0]
    assert hunk.id == "m4:2:0"
    added = [ln for ln in hunk.lines if ln.sign == "+"]
    assert added[0].text.strip() == "mm_lock_init(&p2m->pod.lock);"
    assert added[0].new_no == 75 and added[0].old_no is None


def test_seed004_trimmed_quoted_hunk_is_recounted() -> None:
    patch = parse_patch_text(seed004_quoted_diff(), "m4", quoted=True)
    assert any(d.startswith("recounted hunk 0 of b/(unknown): -114,15 +114,20")
               for d in patch.defects)
    first = patch.files[0].hunks[0]
    assert (first.old_len, first.new_len) == (
        sum(1 for ln in first.lines if ln.sign != "+"),
        sum(1 for ln in first.lines if ln.sign != "-"))


def test_clean_git_patch_parses_without_defects_and_round_trips() -> None:
    (msgid, text), = mbox_diffs(LOOP)
    patch = parse_patch_text(text, msgid)
    assert patch.defects == ()
    assert [f.path for f in patch.files] == ["drivers/block/loop.c", "drivers/block/loop.h"]
    canonical = repair_diff(text).text
    assert repair_diff(canonical).text == canonical  # repair is idempotent
    body = [ln for ln in text.split("\n") if ln[:1] in ("+", "-", " ") and not
            ln.startswith(("+++", "---", "-- "))]
    parsed = [ln.sign + ln.text for h in patch.hunks for ln in h.lines]
    assert parsed == body[: len(parsed)] and len(parsed) == len(body)


def test_plain_minus_plus_headers_without_diff_git() -> None:
    (msgid, text), = mbox_diffs(XEN)[:1]
    patch = parse_patch_text(text, msgid)
    assert [f.path for f in patch.files] == ["xen/common/event_channel.c"]
    assert [h.function for h in patch.hunks] == ["evtchn_close", "evtchn_bind_vcpu"]


def test_section_function_rejects_structs_and_macros() -> None:
    assert section_function("mlx5vf_pci_step_device_state_locked(struct mlx5vf_pci_core_device"
                            " *mvdev,") == "mlx5vf_pci_step_device_state_locked"
    assert section_function("static int foo(void)") == "foo"
    assert section_function("struct mlx5vf_pci_core_device {") is None
    assert section_function('boolean_param("hap_2mb", opt_hap_2mb);') is None
    assert section_function("static const struct pci_device_id mlx5vf_pci_table[] = {") is None


def test_function_per_line_follows_a_new_function_in_added_lines() -> None:
    text = "\n".join([
        "--- a/drivers/vfio/pci/mlx5/main.c",
        "+++ b/drivers/vfio/pci/mlx5/main.c",
        "@@ -437,6 +440,10 @@ mlx5vf_pci_step_device_state_locked(struct mlx5vf_pci_core_device"
        " *mvdev,",
        " \treturn ERR_PTR(-EINVAL);",
        " }",
        " ",
        "+static void mlx5vf_state_mutex_unlock(struct mlx5vf_pci_core_device *mvdev)",
        "+{",
        "+\tmutex_unlock(&mvdev->state_mutex);",
        "+}",
        "+",
        " static struct file *",
        " mlx5vf_pci_set_device_state(struct vfio_device *vdev,",
        " \t\t\t    enum vfio_device_mig_state new_state)",
    ])
    hunk = parse_patch_text(text, "m").hunks[0]
    funcs = line_functions(hunk.lines, hunk.section)
    assert funcs[0] == "mlx5vf_pci_step_device_state_locked"
    assert funcs[5] == funcs[6] == "mlx5vf_state_mutex_unlock"
    assert funcs[-1] == "mlx5vf_pci_set_device_state"


def test_git_binary_patch_is_skipped_with_defect() -> None:
    (msgid, text), = mbox_diffs(LOOP)
    binary = ("diff --git a/fw.bin b/fw.bin\nindex 1..2 100644\nGIT binary patch\n"
              "literal 12\nTcmZ?wbhEHbRA7)~\n\nliteral 0\nHcmV?d00001\n\n")
    patch = parse_patch_text(binary + text, msgid)
    assert "binary patch skipped: b/fw.bin" in patch.defects
    assert [f.path for f in patch.files] == ["drivers/block/loop.c", "drivers/block/loop.h"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(seed004_quoted_diff().split("\n")), max_size=60),
       st.text(max_size=200))
def test_damaged_diff_text_never_raises(lines: list[str], noise: str) -> None:
    patch = parse_patch_text("\n".join(lines) + noise, "fuzz", quoted=bool(len(lines) % 2))
    for hunk in patch.hunks:
        assert hunk.old_len == sum(1 for ln in hunk.lines if ln.sign != "+")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("@-+ \n\\abc{}();,0123456789")), max_size=400))
def test_random_diff_alphabet_never_raises(text: str) -> None:
    parse_patch_text(text, "fuzz")
    parse_patch_text(text, "fuzz", quoted=True)


def test_format_then_parse_round_trips_real_patches() -> None:
    for path in (LOOP, XEN):
        for msgid, text in mbox_diffs(path):
            patch = parse_patch_text(text, msgid)
            again = parse_patch_text(format_patch(patch), msgid)
            assert again.files == patch.files and again.defects == ()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(seed004_quoted_diff().split("\n")), max_size=80))
def test_damaged_then_repaired_diff_round_trips(lines: list[str]) -> None:
    patch = parse_patch_text("\n".join(lines), "fuzz", quoted=True)
    again = parse_patch_text(format_patch(patch), "fuzz")
    assert [h.lines for h in again.hunks] == [h.lines for h in patch.hunks]


def eml_messages(name: str) -> list[Message]:
    path = DATA / name
    item = RawItem(path.read_bytes(), "mail", Provenance(str(path), "eml"))
    return [m for m in parse_item(item) if isinstance(m, Message)]


def test_cvs_index_patch_attachment_is_found() -> None:
    [msg] = eml_messages("0007-cvs-format-diff.mbox")
    [patch] = find_patches(msg)
    assert not patch.quoted and "from attachment dd-2.patch" in patch.defects
    assert [f.path for f in patch.files] == ["bfd/elf-bfd.h", "bfd/elflink.c",
                                            "bfd/elfxx-mips.c"]
    assert patch.files[1].hunks[0].function == "_bfd_elf_link_assign_sym_version"


def test_rename_only_files_are_reported_not_dropped() -> None:
    [msg] = eml_messages("0008-git-rename.mbox")
    [patch] = find_patches(msg)
    assert patch.files == ()
    headers = [d for d in patch.defects if d.startswith("file header without hunks")]
    assert len(headers) == 2


def test_no_newline_marker_is_not_a_line() -> None:
    [msg] = eml_messages("0011-no-newline-at-end-of-file.mbox")
    [patch] = find_patches(msg)
    assert patch.defects == ()
    link = patch.files[1].hunks[0]
    assert [(ln.sign, ln.text) for ln in link.lines] == [
        ("+", "../../../../../arch/powerpc/mm/vphn.c")]
    assert (link.old_start, link.old_len, link.new_start, link.new_len) == (0, 0, 1, 1)
