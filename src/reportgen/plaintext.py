"""Free text made safe to show: no control characters, no bidirectional tricks."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates, directional marks and the BOM: each
# can make text display differently from what it says (the "Trojan Source" trick).
HIDDEN = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\ufeff")
# Unicode's own line and paragraph separators, read as the line breaks they mean.
LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"})


# The only invisible characters plain ASCII text can hold: C0 controls but tab and newline, DEL.
ASCII_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _noncharacter(ch: str) -> bool:
    """U+FDD0-FDEF and the last two of each plane: never text, and an HTML parse error."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _visible(ch: str) -> bool:
    if ch in "\n\t":
        return True
    return unicodedata.category(ch) not in ("Cc", "Cs") and ch not in HIDDEN and not _noncharacter(ch)


def clean_text(text: str) -> str:
    """Prose with line endings normalised, each letter in one spelling (NFC), and
    invisible control characters removed.

    Tabs and newlines stay; spaces at the ends of lines go, so that a line holding only
    spaces still separates paragraphs.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(LINE_BREAKS)
    # Most comments are ASCII: one regex pass then, instead of a test per character.
    ascii_only = text.isascii()
    if ascii_only:
        kept = ASCII_CONTROLS.sub("", text)
    else:
        # One spelling of each letter (NFC): "Zoë" typed as e + U+0308 is the same
        # director, and matches the same name in report.yaml, as a precomposed "ë".
        kept = unicodedata.normalize("NFC", "".join(filter(_visible, text)))
    return "\n".join(line.rstrip() for line in kept.split("\n")).strip()


def clean_line(text: str) -> str:
    """A one-line field (a title, a name): cleaned as prose, line breaks become spaces."""
    return " ".join(part for part in clean_text(text).split("\n") if part).replace("\t", " ")
