"""Seed files to decoded text: listing the seeds folder, reading one file safely, hashing, decoding.

Every way a file can fail to become a document raises `RejectedFile` with a reason a person
understands, so the caller can record it and go on with the other files.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SEED_SUFFIX = ".txt"

# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried in order when a file has no byte-order mark; latin-1, which decodes any byte, comes last.
FALLBACK_ENCODINGS: tuple[str, ...] = ("utf-8", "cp1252")
LAST_RESORT_ENCODING = "latin-1"
# Above this share of control characters, decoded "text" is really binary data.
MAX_CONTROL_CHAR_SHARE = 0.05
TEXT_CONTROL_CHARS = frozenset("\t\n\r\f\v")
# The C0 and C1 control characters other than those, found in one C-speed regex pass.
CONTROL_CHAR = re.compile(
    "["
    + "".join(
        re.escape(chr(code)) for code in (*range(0x20), *range(0x7F, 0xA0)) if chr(code) not in TEXT_CONTROL_CHARS
    )
    + "]"
)
# A web page saved as .txt opens with its page tags (after blanks, an XML declaration, comments):
# its text is markup and script, not an article, and cleaning would keep the tags as sentences.
HTML_PAGE = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)


# Every code a rejection can carry, for checks and for SQL users.
REJECTION_CODES = frozenset(
    {
        "empty", "whitespace_only", "binary", "undecodable", "too_large", "symlink_outside", "symlink_loop",
        "unreadable", "missing", "not_a_file", "unsafe_path", "html", "no_text", "pipeline_error",
    }
)  # fmt: skip


class RejectedFile(Exception):
    """A seed file that cannot become a document; `reason` is meant for people, `code` for SQL."""

    def __init__(self, code: str, reason: str, sha256: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.sha256 = sha256


@dataclass(frozen=True)
class FileStamp:
    """What tells cheaply whether a file may have changed, without reading it."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DecodedFile:
    """A seed file's bytes, their hash, and the text they decode to."""

    seed_file: str
    sha256: str
    encoding: str
    text: str


def doc_id_for(seed_file: str) -> str:
    """A short id that is the same for the same relative path on every run."""
    return hashlib.sha256(seed_file.encode("utf-8")).hexdigest()[:16]


def list_seed_files(seeds_dir: Path) -> dict[str, FileStamp]:
    """Every `*.txt` file under `seeds_dir`, by `/`-separated relative path, sorted.

    Hidden files and folders (names starting with ".") are skipped, and folder symlinks are not
    followed, so a symlink loop cannot make the walk endless. File symlinks are listed, so that
    one leading outside the folder can be rejected with a reason. A missing seeds folder is an
    error, never an empty listing: that would delete every partition and its rows.
    """
    if not Path(seeds_dir).is_dir():
        raise NotADirectoryError(f"The seeds folder {seeds_dir} does not exist or is not a folder (see SEEDS_DIR).")
    found: dict[str, FileStamp] = {}
    pending = [Path(seeds_dir)]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # an unreadable subfolder must not hide the rest of the tree
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.name.endswith(SEED_SUFFIX) and (entry.is_symlink() or entry.is_file()):
                relative = Path(entry.path).relative_to(seeds_dir).as_posix()
                found[relative] = _stamp(entry)
    return dict(sorted(found.items()))


def seed_file_stamp(seeds_dir: Path, seed_file: str) -> FileStamp | None:
    """The size and mtime of one seed file (following a symlink), or None when it cannot be stat'ed."""
    try:
        info = _path_inside(seeds_dir, seed_file).stat()
    except (OSError, RejectedFile):
        return None
    return FileStamp(size=info.st_size, mtime_ns=info.st_mtime_ns)


def _stamp(entry: os.DirEntry[str]) -> FileStamp:
    """Size and mtime of what the entry points to, or of the link itself when that fails."""
    try:
        info = entry.stat()
    except OSError:
        info = entry.stat(follow_symlinks=False)
    return FileStamp(size=info.st_size, mtime_ns=info.st_mtime_ns)


def read_seed_file(seeds_dir: Path, seed_file: str, max_bytes: int) -> bytes:
    """The bytes of one seed file, refusing anything that is not a readable regular file inside
    the seeds folder and no larger than `max_bytes`."""
    path = _path_inside(seeds_dir, seed_file)
    try:
        link_info = path.lstat()
    except OSError as error:
        raise _rejection_for_os_error(error) from error
    if stat.S_ISLNK(link_info.st_mode):
        _check_link_target(seeds_dir, path)
    try:
        info = path.stat()
    except OSError as error:
        raise _rejection_for_os_error(error) from error
    if not stat.S_ISREG(info.st_mode):
        raise RejectedFile("not_a_file", "It is not a regular file.")
    if info.st_size > max_bytes:
        raise _too_large(info.st_size, max_bytes)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise _rejection_for_os_error(error) from error
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data


def _path_inside(seeds_dir: Path, seed_file: str) -> Path:
    """The file's path, after making sure the relative path cannot climb out of the seeds folder."""
    relative = PurePosixPath(seed_file)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise RejectedFile("unsafe_path", f"The path {seed_file!r} is not a plain path inside the seeds folder.")
    return Path(seeds_dir).joinpath(*relative.parts)


def _check_link_target(seeds_dir: Path, path: Path) -> None:
    """Reject symlinks that loop or that lead outside the seeds folder."""
    try:
        os.stat(path)
    except OSError as error:
        raise _rejection_for_os_error(error) from error
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(os.path.realpath(seeds_dir)):
        raise RejectedFile("symlink_outside", f"It is a symbolic link to {target}, which is outside the seeds folder.")


def _rejection_for_os_error(error: OSError) -> RejectedFile:
    if error.errno == errno.ELOOP:
        return RejectedFile("symlink_loop", "It is a symbolic link that loops back on itself.")
    if error.errno == errno.ENOENT:
        return RejectedFile(
            "missing",
            "The file no longer exists (moved or deleted before it was read), or it is a symbolic link to nothing.",
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return RejectedFile("unreadable", "It could not be read: permission denied.")
    return RejectedFile("unreadable", f"It could not be read: {error.strerror or error}.")


def _too_large(size: int, max_bytes: int) -> RejectedFile:
    return RejectedFile(
        "too_large",
        f"It is {size / 1_000_000:.1f} MB, over the {max_bytes / 1_000_000:g} MB limit for one article "
        "(MAX_FILE_MB raises it).",
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_fingerprint(seeds_dir: Path, seed_file: str, max_bytes: int) -> str:
    """What reading the file gives now: the SHA-256 of its bytes, or the code of the reason it is
    refused. Equal fingerprints mean processing the file again would give the same rows."""
    try:
        return sha256_hex(read_seed_file(seeds_dir, seed_file, max_bytes))
    except RejectedFile as rejected:
        return f"rejected:{rejected.code}"


def decode_seed_bytes(seed_file: str, data: bytes) -> DecodedFile:
    """Decode a file's bytes: a byte-order mark decides, else UTF-8, else a recorded fallback.

    Rejects empty, whitespace-only and binary files, and web pages saved as text. The text is
    exactly the decoded bytes: no newline conversion and no normalization, so offsets into it are
    offsets into the file.
    """
    digest = sha256_hex(data)
    if not data:
        raise RejectedFile("empty", "The file is empty (0 bytes).", digest)
    text, encoding = _decode(data, digest)
    if not text.strip():
        raise RejectedFile("whitespace_only", "The file holds only whitespace.", digest)
    if _control_char_share(text) > MAX_CONTROL_CHAR_SHARE:
        raise RejectedFile("binary", "It looks like a binary file, not text (many control characters).", digest)
    if HTML_PAGE.match(text):
        raise RejectedFile("html", "It is a web page (HTML), not plain text: save the article's text instead.", digest)
    return DecodedFile(seed_file=seed_file, sha256=digest, encoding=encoding, text=text)


def _decode(data: bytes, digest: str) -> tuple[str, str]:
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise RejectedFile(
                    "undecodable",
                    f"It starts with a {encoding.upper()} byte-order mark but is not valid {encoding}.",
                    digest,
                ) from None
    if b"\x00" in data:
        raise RejectedFile("binary", "It looks like a binary file, not text (it contains NUL bytes).", digest)
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode(LAST_RESORT_ENCODING), LAST_RESORT_ENCODING


def _control_char_share(text: str) -> float:
    """The share of control characters (other than text's own) in the first 100,000 characters."""
    sample = text[:100_000]
    return len(CONTROL_CHAR.findall(sample)) / len(sample)
