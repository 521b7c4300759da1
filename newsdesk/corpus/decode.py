"""Bytes to text: UTF-8 (with or without a byte-order mark), UTF-16, cp1252, and UTF-8 with a
few stray bytes, which are replaced and reported with their line numbers rather than losing
the file. Empty and binary input is refused with the reason.
"""

from __future__ import annotations

import re

__all__ = [
    "decode_bytes",
]

_BINARY_CONTROL_SHARE = 0.10  # share of control bytes above which a file is binary, not text
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 28, 29, 30))
_UTF16_NUL_SHARE = 0.9  # UTF-16 without a mark: nearly every other byte of Latin text is NUL
_ESCAPED_RE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by surrogateescape
_NON_ASCII_RE = re.compile("[^\x00-\x7f\udc80-\udcff]")  # a character UTF-8 did decode
_LINES_NAMED = 5  # at most this many replaced bytes have their line named
_LINE_BREAK_RE = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")  # as str.splitlines


def _utf16_encoding(data: bytes) -> str | None:
    """``utf-16`` for a UTF-16 byte-order mark, ``utf-16-le``/``-be`` for unmarked UTF-16
    whose odd or even bytes are nearly all NUL, else ``None``."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:8192]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) / len(odd) >= _UTF16_NUL_SHARE and not even.count(0):
        return "utf-16-le"
    if even.count(0) / len(even) >= _UTF16_NUL_SHARE and not odd.count(0):
        return "utf-16-be"
    return None


def _replaced_note(escaped: str) -> tuple[str, str]:
    """Text with stray bytes as U+FFFD, and the note naming how many and on which lines."""
    positions = [m.start() for m in _ESCAPED_RE.finditer(escaped)]
    lines = list(dict.fromkeys(len(_LINE_BREAK_RE.findall(escaped, 0, p)) + 1
                               for p in positions[:_LINES_NAMED]))
    more = " …" if len(positions) > _LINES_NAMED else ""
    named = ", ".join(str(n) for n in lines) + more
    count = len(positions)
    verb = "byte that is" if count == 1 else "bytes that are"
    note = (f"{count} {verb} not UTF-8 replaced by U+FFFD "
            f"(line{'s' if len(lines) > 1 or more else ''} {named})")
    return _ESCAPED_RE.sub("\ufffd", escaped), note


def decode_bytes(data: bytes) -> tuple[str, str, str]:
    """Decode article or export bytes.

    Tries, in order: UTF-8 with a byte-order mark, UTF-16 (marked or not), UTF-8, cp1252
    (only when no valid multi-byte UTF-8 character is present), and last UTF-8 with every
    invalid byte replaced by U+FFFD.

    Returns ``(text, encoding, note)``: ``note`` is "" or says which bytes were replaced and
    on which lines. Raises ``ValueError`` for empty or binary input; the caller adds the
    file name.
    """
    if not data.strip():
        raise ValueError("file is empty or whitespace only")
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig", errors="replace"), "utf-8-sig", ""
    utf16 = _utf16_encoding(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise ValueError(f"text looks like {utf16} but does not decode as it") from None
        if not text.strip():
            raise ValueError("file is empty or whitespace only")
        return text.lstrip("\ufeff"), utf16, ""
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in sample or controls / len(sample) > _BINARY_CONTROL_SHARE:
        raise ValueError("file looks binary (NUL or control bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", errors="surrogateescape")
    if not _NON_ASCII_RE.search(escaped):
        try:
            return data.decode("cp1252"), "cp1252", ""
        except UnicodeDecodeError:
            pass
    text, note = _replaced_note(escaped)
    return text, "utf-8", note
