"""File names derived from data: director slugs and indicator fragment names."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from anyascii import anyascii

APOSTROPHES = "'\u2019\u2018`"
# File systems allow 255 bytes a name: a slug is cut only where `<slug>.html` would not
# fit (SPEC §3's rule has no limit, and a long name keeps its whole slug below this).
MAX_SLUG = 240


def _spelt_in_ascii(character: str) -> str:
    """A letter or digit of any script in ASCII (`Ł` → `L`, `ß` → `ss`, `张` → `Zhang`).

    Everything else (punctuation, symbols, emoji) becomes a space, a separator: the SPEC
    keeps letters and digits, and `😀` should not turn into the word `grinning`. Marks
    count with letters, as Indic vowel signs do.
    """
    if character.isascii():
        return character
    if unicodedata.category(character)[0] in "LMN":
        return anyascii(character)
    return "" if character in APOSTROPHES else " "


def slugify(name: str) -> str:
    """Lowercase ASCII, accents folded, apostrophes dropped: `Zoë O'Brien-Smith` → `zoe-obrien-smith`.

    Letters that do not decompose into a Latin letter and an accent (`Ł`, `Ø`, `Æ`, `ß`)
    and letters of other scripts are transliterated (`Łukasz Ødegård` → `lukasz-odegard`,
    `Юрий` → `yuriy`), as a web editor would write them.

    A slug longer than MAX_SLUG keeps its start and ends with a short hash of the
    whole, so that it is still a valid file name and still unique; a name with no
    letter or digit at all (`!!!`) becomes `name-` and a hash of it.
    """
    spelt = "".join(map(_spelt_in_ascii, unicodedata.normalize("NFC", name)))
    # Transliteration can itself give apostrophes (`ь` → `'`): dropped like the written ones.
    folded = "".join(ch for ch in spelt if ch not in APOSTROPHES).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if not slug:
        return "name-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha256(slug.encode("ascii")).hexdigest()[:8]
        slug = f"{slug[: MAX_SLUG - 9].rstrip('-')}-{digest}"
    return slug


def section_anchor(slug: str) -> str:
    """The id the section template gives a director's section (see section.html)."""
    return f"director-{slug}"


def fragment_stem(code: str) -> str:
    """An indicator code made safe for a file name, case kept: `PAF C23` → `PAF-C23`."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", code).strip("-")
