"""File names derived from data (SPEC §3): director slugs and fragment file names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.names import fragment_stem, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Zoë O'Brien-Smith", "zoe-obrien-smith"),
        ("Zoe\u0308 O\u2019Brien", "zoe-obrien"),  # decomposed accent, typographic apostrophe
        ("Janice Spencer", "janice-spencer"),
        ("Łukasz", "lukasz"),
        ("Ø", "o"),
        ("Æ", "ae"),
        ("ß", "ss"),
        ("Łukasz Ødegård", "lukasz-odegard"),
        ("ÆØ Łukasz ß", "aeo-lukasz-ss"),
        ("Đorđe Dvořák", "dorde-dvorak"),
        ("İsmail Işık", "ismail-isik"),
        ("Юрий Гагарин", "yuriy-gagarin"),
        ("Игорь", "igor"),  # the soft sign is spelt as an apostrophe, dropped like one
        ("张伟", "zhangwei"),
        ("Ａｎｎ Director", "ann-director"),
        ("😀 Smith & Co", "smith-co"),  # symbols separate words; they are not spelt out
    ],
)
def test_slug_is_the_name_in_lowercase_ascii(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_name_with_no_letter_or_digit_gets_a_hashed_slug() -> None:
    assert re.fullmatch(r"name-[0-9a-f]{8}", slugify("!!!"))
    assert slugify("!!!") != slugify("???")
    assert slugify("\u02bc").startswith("name-")  # a letter spelt only as an apostrophe


def test_a_long_name_keeps_its_whole_slug_until_a_file_name_could_not_hold_it(tmp_path: Path) -> None:
    long_name = "Professor Dame Alexandra Constance Fotheringham-Whitcombe, Interim Executive " * 2
    assert slugify(long_name) == "-".join(re.findall(r"[a-z]+", long_name.lower().replace("-", " ")))
    longest = slugify("Abcdefghij " * 40)  # 439 characters as a slug
    assert re.fullmatch(r"(abcdefghij-)+[a-z]*-[0-9a-f]{8}", longest) and len(longest) <= 240
    assert longest != slugify("Abcdefghij " * 41)
    (tmp_path / f"{longest}.html").write_text("a file system takes it", encoding="utf-8")


def test_fragment_stem_keeps_case_and_joins_other_runs_with_a_dash() -> None:
    assert fragment_stem("PAF C23") == "PAF-C23"
    assert fragment_stem("NI 117 (a)") == "NI-117-a"
    assert fragment_stem("2042SC") == "2042SC"
