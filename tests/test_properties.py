"""Property-based tests: whatever bytes or text a project holds, validate either accepts it
or reports a ProjectError, never any other exception."""

from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata
import warnings
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reportgen.decimals import parse_decimal
from reportgen.errors import ProjectError, ReportgenWarning
from reportgen.formatting import paragraphs
from reportgen.main import validate
from reportgen.plaintext import HIDDEN, clean_text

TESTS = Path(__file__).resolve().parent
GOOD = TESTS / "projects" / "good" / "minimal"
FAST = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("property") / "project"
    shutil.copytree(GOOD, root)
    return root


def validates_cleanly(project: Path, relative: str, content: bytes) -> None:
    """Writes one file of the project, validates, and restores the good file."""
    path = project / relative
    good = (GOOD / relative).read_bytes()
    path.write_bytes(content)
    try:
        with warnings.catch_warnings(record=True) as warned:  # a warning is fine, if clean
            warnings.simplefilter("always", ReportgenWarning)
            validate(project)
        assert all("\n" not in str(warning.message) for warning in warned)
    except ProjectError as error:
        assert error.problems, "a ProjectError always names at least one problem"
        for problem in error.problems:
            # Problems in other files follow from this one: rows of an indicator it lost.
            assert Path(problem.file).resolve().is_relative_to(project.resolve())
            assert "\n" not in problem.message
    finally:
        path.write_bytes(good)


CSV_ALPHABET = st.sampled_from([*'AB1,-.\n\r"; 0123456789e%\t\x00\xa3', "2012-06-30", "A1", "nan"])


@FAST
@given(st.binary(max_size=300))
@example(b"\xff\xfe" + "code".encode("utf-16-le"))
@example(b'code,period_end,actual,target\nA1,2012-06-30,"1\n')
def test_random_bytes_as_values_csv(project: Path, content: bytes) -> None:
    validates_cleanly(project, "data/values.csv", content)


@FAST
@given(st.lists(CSV_ALPHABET, max_size=60).map("".join))
def test_csv_like_text_as_values_and_comments(project: Path, body: str) -> None:
    validates_cleanly(project, "data/values.csv", ("code,period_end,actual,target\n" + body).encode())
    validates_cleanly(project, "data/comments.csv", ("code,period_end,author,subject,text\n" + body).encode())


YAML_ALPHABET = st.sampled_from(
    [*"ab:-[]{}&*!|>'\"#\n  \t,?%@`~0.", "code: ", "&a ", "*a", "<<: ", "!!", "- ", "title: ", "\u202e"]
)


@FAST
@given(st.lists(YAML_ALPHABET, max_size=60).map("".join))
@example("a: &a [*a]")
@example("<<: *x")
def test_random_text_as_yaml(project: Path, text: str) -> None:
    validates_cleanly(project, "config/indicators.yaml", text.encode("utf-8"))
    validates_cleanly(project, "config/report.yaml", text.encode("utf-8"))


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=12), st.dates(),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(float),
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
fields = st.sampled_from(
    ["code", "title", "director", "owner", "polarity", "unit", "plans", "tolerance", "extra"]
)


@FAST
@given(st.lists(st.dictionaries(fields, yaml_values, max_size=9), max_size=3))
def test_well_formed_yaml_of_any_shape_as_indicators(project: Path, entries: list[object]) -> None:
    text = yaml.safe_dump({"indicators": entries}, allow_unicode=True)
    validates_cleanly(project, "config/indicators.yaml", text.encode("utf-8"))


@FAST
@given(st.text(max_size=80))
def test_comment_text_is_cleaned_and_stays_text(project: Path, text: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["code", "period_end", "author", "subject", "text"], ["B1", "2012-06-30", "Ann", "S", text]]
    )
    path = project / "data" / "comments.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always", ReportgenWarning)
            report = validate(project)
    except ProjectError as error:
        assert all("comments.csv" in problem.file for problem in error.problems)
        return
    finally:
        path.write_bytes((GOOD / "data" / "comments.csv").read_bytes())
    comments = next(i for i in report.indicators if i.code == "B1").comments
    if not comments:  # text that cleans to nothing: the row is left out, with a warning
        assert [str(w.message).split(": warning: ")[1].split(";")[0] for w in warned] == ["text: empty"]
        return
    (comment,) = comments
    assert not set(comment.text) & HIDDEN
    assert all(ch in "\n\t" or ord(ch) >= 32 for ch in comment.text)
    html = str(paragraphs(comment.text))
    assert "<" not in re.sub(r"</?p>|<br>", "", html), "only the paragraph markup is markup"
    assert unescape(re.sub(r"</?p>|<br>|\n", "", html)) == re.sub(r"\s*\n\s*", "", comment.text)


@FAST
@given(st.text(max_size=30))
def test_parse_decimal_accepts_or_says_why(text: str) -> None:
    try:
        value = parse_decimal(text)
    except ValueError as error:
        assert str(error)
    else:
        # Exactly the number written, to the places written ("00" is 0; "7.50" keeps its 0)
        assert value.is_finite() and value.as_tuple() == Decimal(text.strip()).as_tuple()


@FAST
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**14, max_value=10**14, places=4))
def test_plain_decimals_keep_exactly_what_was_written(number: Decimal) -> None:
    written = f"{number:f}"
    assert str(parse_decimal(written)) == written


@FAST
@given(st.text(max_size=60))
def test_clean_text_is_idempotent_and_visible(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert not set(cleaned) & HIDDEN
    assert unicodedata.is_normalized("NFC", cleaned)
    # Noncharacters (U+FFFE, U+FDD0...) are an HTML parse error: never passed through.
    assert not [ch for ch in cleaned if 0xFDD0 <= ord(ch) <= 0xFDEF or ord(ch) & 0xFFFE == 0xFFFE]


def test_noncharacters_are_dropped() -> None:
    assert clean_text("a\ufffeb\uffff\ufdd0c\U0010ffff") == "abc"


@FAST
@given(st.text(st.characters(max_codepoint=127), max_size=60))
def test_clean_text_drops_the_same_ascii_characters_as_any_other_text(text: str) -> None:
    """Plain ASCII takes a faster path; it must keep exactly what the general rule keeps
    (the general path is reached by adding one non-ASCII letter, then removed)."""
    general = clean_text(text + "\n\né").removesuffix("é").rstrip("\n")
    assert clean_text(text) == general.strip()
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", clean_text(text))


@FAST
@given(st.text(max_size=120), st.text(max_size=120))
@example("张伟", "李娜")
@example("!!!", "???")
@example("\u02bc", "\u2019\u02bc")  # a letter that is spelt as an apostrophe, which goes
def test_every_name_has_a_file_name_slug(first: str, second: str) -> None:
    from reportgen.names import MAX_SLUG, slugify

    slug = slugify(first)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= MAX_SLUG

    def kept(name: str) -> str:  # what the SPEC's slug keeps: letters and digits, of any script
        return "".join(ch for ch in name if unicodedata.category(ch)[0] in "LMN")

    if not kept(first) and not kept(second) and first != second:
        assert slugify(first) != slugify(second), "names without letters or digits still differ"
