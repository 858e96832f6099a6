"""Seed files to decoded text: decoding, every rejection, listing the seeds folder, ids and fingerprints."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.ingest import (
    FileStamp,
    RejectedFile,
    content_fingerprint,
    decode_seed_bytes,
    doc_id_for,
    list_seed_files,
    read_seed_file,
)

MAX_BYTES = 1_000_000
ARTICLE = "Talks in Astana\n\nThe “eighth round” of talks began – officials said…\n"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder


# ---------------------------------------------------------------------------------------------
# decode_seed_bytes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(ARTICLE.encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "utf-16", id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "utf-16", id="utf-16-be-bom"),
        pytest.param(codecs.BOM_UTF32_LE + ARTICLE.encode("utf-32-le"), "utf-32", id="utf-32-le-bom"),
        pytest.param(codecs.BOM_UTF32_BE + ARTICLE.encode("utf-32-be"), "utf-32", id="utf-32-be-bom"),
    ],
)
def test_decode_unicode_encodings_give_the_text_without_its_bom(data: bytes, encoding: str) -> None:
    decoded = decode_seed_bytes("x.txt", data)
    assert decoded.encoding == encoding
    assert decoded.text == ARTICLE
    assert decoded.seed_file == "x.txt"
    assert decoded.sha256 == hashlib.sha256(data).hexdigest()


def test_decode_cp1252_bytes_fall_back_to_cp1252() -> None:
    decoded = decode_seed_bytes("x.txt", b"caf\xe9 \x93quoted\x94")
    assert decoded.encoding == "cp1252"
    assert decoded.text == "café “quoted”"


def test_decode_bytes_cp1252_cannot_decode_fall_back_to_latin1() -> None:
    """0x81 is undefined in cp1252; an article with one such byte among ordinary text is latin-1."""
    data = (
        b"The caf\xe9 owner \x81 told reporters on Monday that the talks in Astana would resume "
        b"within a week, and that \x93every delegation\x94 had already arrived in the Kazakh capital."
    )
    decoded = decode_seed_bytes("x.txt", data)
    assert decoded.encoding == "latin-1"
    assert decoded.text == data.decode("latin-1")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_decode_keeps_newlines_unchanged(newline: str) -> None:
    text = newline.join(["Title", "", "First paragraph.", "", "Second paragraph.", ""])
    decoded = decode_seed_bytes("x.txt", text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.text.count(newline) == 5


def test_decode_does_not_normalize_the_text() -> None:
    text = "A\u00a0b \u201cc\u201d d\u2026 e\u200bf g\u00adh  i\t\n"
    assert decode_seed_bytes("x.txt", text.encode("utf-8")).text == text


@pytest.mark.parametrize(
    ("data", "code", "reason_pattern"),
    [
        pytest.param(b"", "empty", r"empty", id="empty"),
        pytest.param(b" \t\r\n  \n", "whitespace_only", r"only whitespace", id="whitespace"),
        pytest.param(codecs.BOM_UTF16_LE + " \n ".encode("utf-16-le"), "whitespace_only", r"whitespace", id="utf16-ws"),
        pytest.param(b"Talks began\x00 in Astana.", "binary", r"binary.*NUL", id="nul-byte"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(1, 9)) * 8, "binary", r"binary", id="png-like"),
        pytest.param(
            b"Hi\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f there", "binary", r"control characters", id="controls"
        ),
        pytest.param(codecs.BOM_UTF8 + b"caf\xe9", "undecodable", r"byte-order mark", id="bad-utf8-after-bom"),
        pytest.param(b"<!DOCTYPE html>\n<html><body><p>Talks began.</p></body></html>", "html", r"web page", id="html"),
        pytest.param(b'\r\n  <HTML lang="en">\n<p>Talks began.</p>', "html", r"HTML", id="html-no-doctype"),
        pytest.param(
            b'<?xml version="1.0"?>\n<!-- saved from url -->\n<html xmlns="x">', "html", r"HTML", id="xhtml-comment"
        ),
        pytest.param("<html>".encode("utf-16"), "html", r"HTML", id="html-utf16"),
    ],
)
def test_decode_rejects_with_code_and_reason(data: bytes, code: str, reason_pattern: str) -> None:
    with pytest.raises(RejectedFile) as caught:
        decode_seed_bytes("x.txt", data)
    assert caught.value.code == code
    assert re.search(reason_pattern, caught.value.reason)
    assert caught.value.sha256 == hashlib.sha256(data).hexdigest()


def test_decode_accepts_an_article_about_markup() -> None:
    data = b"How web pages work\n\nEvery page starts with <html> and holds a <body> tag.\n"
    assert decode_seed_bytes("x.txt", data).text == data.decode()


def test_decode_accepts_text_with_a_few_tabs_and_form_feeds() -> None:
    data = b"Title\n\n\tThe talks began on Monday in Astana.\x0cThey ended on Tuesday.\n"
    assert decode_seed_bytes("x.txt", data).encoding == "utf-8"


# ---------------------------------------------------------------------------------------------
# read_seed_file
# ---------------------------------------------------------------------------------------------


def test_read_returns_the_exact_bytes(seeds: Path) -> None:
    data = "Title\r\n\r\nBody \u2013 text.\r\n".encode()
    (seeds / "a.txt").write_bytes(data)
    assert read_seed_file(seeds, "a.txt", MAX_BYTES) == data


def test_read_accepts_a_file_of_exactly_max_bytes(seeds: Path) -> None:
    (seeds / "a.txt").write_bytes(b"x" * 10)
    assert read_seed_file(seeds, "a.txt", 10) == b"x" * 10


def test_read_follows_a_symlink_that_stays_inside_the_folder(seeds: Path) -> None:
    (seeds / "sub").mkdir()
    (seeds / "sub" / "real.txt").write_bytes(b"inside")
    (seeds / "link.txt").symlink_to(Path("sub") / "real.txt")
    assert read_seed_file(seeds, "link.txt", MAX_BYTES) == b"inside"


def test_read_nested_path(seeds: Path) -> None:
    (seeds / "2017" / "12").mkdir(parents=True)
    (seeds / "2017" / "12" / "a.txt").write_bytes(b"nested")
    assert read_seed_file(seeds, "2017/12/a.txt", MAX_BYTES) == b"nested"


def _too_large(seeds: Path) -> str:
    (seeds / "x.txt").write_bytes(b"x" * 11)
    return "x.txt"


def _symlink_outside(seeds: Path) -> str:
    outside = seeds.parent / "outside.txt"
    outside.write_bytes(b"secret")
    (seeds / "x.txt").symlink_to(outside)
    return "x.txt"


def _relative_symlink_outside(seeds: Path) -> str:
    (seeds.parent / "outside.txt").write_bytes(b"secret")
    (seeds / "x.txt").symlink_to(Path("..") / "outside.txt")
    return "x.txt"


def _symlink_loop(seeds: Path) -> str:
    (seeds / "a.txt").symlink_to("b.txt")
    (seeds / "b.txt").symlink_to("a.txt")
    return "a.txt"


def _missing(seeds: Path) -> str:
    return "x.txt"


def _dangling_symlink(seeds: Path) -> str:
    (seeds / "x.txt").symlink_to("gone.txt")
    return "x.txt"


def _fifo(seeds: Path) -> str:
    os.mkfifo(seeds / "x.txt")
    return "x.txt"


def _directory(seeds: Path) -> str:
    (seeds / "x.txt").mkdir()
    return "x.txt"


def _parent_path(seeds: Path) -> str:
    (seeds.parent / "x.txt").write_bytes(b"outside")
    return "../x.txt"


def _absolute_path(seeds: Path) -> str:
    return "/etc/passwd"


def _climbing_nested_path(seeds: Path) -> str:
    (seeds.parent / "x.txt").write_bytes(b"outside")
    return "sub/../../x.txt"


def _empty_path(seeds: Path) -> str:
    return ""


@pytest.mark.parametrize(
    ("make", "code", "reason_pattern"),
    [
        pytest.param(_too_large, "too_large", r"over the .* limit", id="too_large"),
        pytest.param(_symlink_outside, "symlink_outside", r"outside the seeds folder", id="symlink_outside"),
        pytest.param(_relative_symlink_outside, "symlink_outside", r"outside", id="relative_symlink_outside"),
        pytest.param(_symlink_loop, "symlink_loop", r"loops", id="symlink_loop"),
        pytest.param(_missing, "missing", r"no longer exists", id="missing"),
        pytest.param(_dangling_symlink, "missing", r"link to nothing", id="dangling_symlink"),
        pytest.param(_fifo, "not_a_file", r"not a regular file", id="fifo"),
        pytest.param(_directory, "not_a_file", r"not a regular file", id="directory"),
        pytest.param(_parent_path, "unsafe_path", r"not a plain path", id="parent"),
        pytest.param(_absolute_path, "unsafe_path", r"not a plain path", id="absolute"),
        pytest.param(_climbing_nested_path, "unsafe_path", r"not a plain path", id="climbing"),
        pytest.param(_empty_path, "unsafe_path", r"not a plain path", id="empty_path"),
    ],
)
def test_read_rejects_with_code_and_reason(
    seeds: Path, make: Callable[[Path], str], code: str, reason_pattern: str
) -> None:
    seed_file = make(seeds)
    with pytest.raises(RejectedFile) as caught:
        read_seed_file(seeds, seed_file, 10)
    assert caught.value.code == code
    assert re.search(reason_pattern, caught.value.reason)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file whatever its permissions")
def test_read_rejects_an_unreadable_file(seeds: Path) -> None:
    path = seeds / "x.txt"
    path.write_bytes(b"private")
    path.chmod(0)
    try:
        with pytest.raises(RejectedFile) as caught:
            read_seed_file(seeds, "x.txt", MAX_BYTES)
    finally:
        path.chmod(0o644)
    assert caught.value.code == "unreadable"
    assert "permission denied" in caught.value.reason


# ---------------------------------------------------------------------------------------------
# list_seed_files
# ---------------------------------------------------------------------------------------------


def test_list_finds_nested_txt_files_sorted_with_stamps(seeds: Path) -> None:
    (seeds / "b" / "c").mkdir(parents=True)
    (seeds / "z.txt").write_bytes(b"zz")
    (seeds / "b" / "one.txt").write_bytes(b"1")
    (seeds / "b" / "c" / "deep.txt").write_bytes(b"deep text")
    listed = list_seed_files(seeds)
    assert list(listed) == ["b/c/deep.txt", "b/one.txt", "z.txt"]
    deep = seeds / "b" / "c" / "deep.txt"
    assert listed["b/c/deep.txt"] == FileStamp(size=9, mtime_ns=deep.stat().st_mtime_ns)


def test_list_skips_hidden_files_and_folders_and_other_suffixes(seeds: Path) -> None:
    (seeds / ".hidden").mkdir()
    (seeds / ".hidden" / "a.txt").write_bytes(b"a")
    (seeds / ".b.txt").write_bytes(b"b")
    (seeds / "c.md").write_bytes(b"c")
    (seeds / "d.txt.bak").write_bytes(b"d")
    (seeds / "f.txt").write_bytes(b"f")
    assert list(list_seed_files(seeds)) == ["f.txt"]


def test_list_includes_file_symlinks_even_broken_or_looping_ones(seeds: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_bytes(b"outside")
    (seeds / "real.txt").write_bytes(b"real")
    (seeds / "inside.txt").symlink_to("real.txt")
    (seeds / "out.txt").symlink_to(tmp_path / "outside.txt")
    (seeds / "broken.txt").symlink_to("gone.txt")
    (seeds / "loop_a.txt").symlink_to("loop_b.txt")
    (seeds / "loop_b.txt").symlink_to("loop_a.txt")
    listed = list_seed_files(seeds)
    assert list(listed) == ["broken.txt", "inside.txt", "loop_a.txt", "loop_b.txt", "out.txt", "real.txt"]
    assert listed["inside.txt"].size == 4
    outcomes = {}
    for seed_file in listed:
        try:
            outcomes[seed_file] = read_seed_file(seeds, seed_file, MAX_BYTES)
        except RejectedFile as rejected:
            outcomes[seed_file] = rejected.code
    assert outcomes == {
        "broken.txt": "missing",
        "inside.txt": b"real",
        "loop_a.txt": "symlink_loop",
        "loop_b.txt": "symlink_loop",
        "out.txt": "symlink_outside",
        "real.txt": b"real",
    }


def test_list_does_not_follow_folder_symlinks_so_a_loop_ends(seeds: Path) -> None:
    (seeds / "sub").mkdir()
    (seeds / "sub" / "a.txt").write_bytes(b"a")
    (seeds / "sub" / "back").symlink_to("..")
    (seeds / "self").symlink_to(".")
    (seeds / "alias").symlink_to("sub")
    assert list(list_seed_files(seeds)) == ["sub/a.txt"]


def test_list_handles_unusual_names(seeds: Path) -> None:
    names = ["with space.txt", "ünïcødé Астана.txt", "-leading-dash.txt", "--.txt", 'quote\'s "both".txt']
    for name in names:
        (seeds / name).write_bytes(name.encode("utf-8"))
    listed = list_seed_files(seeds)
    assert sorted(listed) == sorted(names)
    for name in names:
        assert read_seed_file(seeds, name, MAX_BYTES) == name.encode("utf-8")


def test_list_of_an_empty_folder_is_empty(seeds: Path) -> None:
    assert list_seed_files(seeds) == {}


def test_a_missing_seeds_folder_is_an_error_not_an_empty_listing(seeds: Path) -> None:
    """An empty listing would delete every partition and its rows: a typo in SEEDS_DIR must not."""
    with pytest.raises(NotADirectoryError, match="SEEDS_DIR"):
        list_seed_files(seeds / "nowhere")


# ---------------------------------------------------------------------------------------------
# doc_id_for and content_fingerprint
# ---------------------------------------------------------------------------------------------


def test_doc_id_is_stable_16_hex_chars() -> None:
    assert doc_id_for("000_a267781117031075.txt") == "aead145ef017f243"
    assert doc_id_for("nested/dir/x.txt") == "948e851947c2224b"
    assert re.fullmatch(r"[0-9a-f]{16}", doc_id_for("ünïcødé Астана.txt"))


def test_doc_id_differs_between_paths() -> None:
    ids = {doc_id_for(name) for name in ["a.txt", "b.txt", "sub/a.txt", "A.txt"]}
    assert len(ids) == 4


def test_fingerprint_is_the_sha256_of_the_bytes(seeds: Path) -> None:
    data = "Body \u2013 text.\r\n".encode()
    (seeds / "a.txt").write_bytes(data)
    assert content_fingerprint(seeds, "a.txt", MAX_BYTES) == hashlib.sha256(data).hexdigest()


def test_fingerprint_changes_with_the_content(seeds: Path) -> None:
    path = seeds / "a.txt"
    path.write_bytes(b"first")
    first = content_fingerprint(seeds, "a.txt", MAX_BYTES)
    path.write_bytes(b"second")
    assert content_fingerprint(seeds, "a.txt", MAX_BYTES) != first


@pytest.mark.parametrize(
    ("make", "code"),
    [
        pytest.param(_missing, "missing", id="missing"),
        pytest.param(_too_large, "too_large", id="too_large"),
        pytest.param(_symlink_outside, "symlink_outside", id="symlink_outside"),
        pytest.param(_symlink_loop, "symlink_loop", id="symlink_loop"),
        pytest.param(_directory, "not_a_file", id="directory"),
        pytest.param(_parent_path, "unsafe_path", id="unsafe_path"),
    ],
)
def test_fingerprint_of_a_refused_file_is_its_rejection_code(
    seeds: Path, make: Callable[[Path], str], code: str
) -> None:
    assert content_fingerprint(seeds, make(seeds), 10) == f"rejected:{code}"
