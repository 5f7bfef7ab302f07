"""Loading a project: exact values, YAML typing rules, and every problem reported at once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.errors import ProjectError, ReportgenWarning
from reportgen.project import load_project
from reportgen.schema import Polarity, Tolerance

from .conftest import REPO, write_project

GOOD_INDICATOR = """\
indicators:
  - code: "X1"
    title: T
    director: D
    owner: O
    polarity: bigger
"""
GOOD_VALUES = "code,period_end,actual,target\nX1,2012-06-30,1.50,2\n"
TEXT_AFTER_QUOTE = (
    "malformed CSV: text follows a cell's closing quote; "
    'a " inside a quoted cell is written twice ("")'
)


def _problems(root: Path) -> list[str]:
    with pytest.raises(ProjectError) as caught:
        load_project(root)
    return [str(p) for p in caught.value.problems]


def _problems_as_listed(root: Path) -> list[str]:
    """The problems as the user sees them from inside the project: `data/values.csv:2: ...`."""
    return [problem.removeprefix(f"{root}/") for problem in _problems(root)]


def test_default_project_loads_exactly() -> None:
    project, period = load_project(REPO)
    assert period.code == "2012-13-Q1"
    assert len(project.indicators) == 31
    first = project.indicators[0]
    assert (first.code, first.polarity, first.plans) == ("2042SC", Polarity.SMALLER, ["CBP", "CYPP"])
    cs108 = next(i for i in project.indicators if i.code == "CS108")
    assert cs108.tolerance == Tolerance(Decimal(5), percent=True)
    value = next(v for v in project.values if v.code == "2042SC" and v.actual is not None)
    assert value.actual == Decimal("37.47") and str(value.actual) == "37.47"
    assert len(project.comments) == 28


def test_values_keep_their_written_decimals(tmp_path: Path) -> None:
    project, _ = load_project(write_project(tmp_path, GOOD_INDICATOR, GOOD_VALUES))
    assert str(project.values[0].actual) == "1.50"


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    root = write_project(tmp_path, GOOD_INDICATOR, "")
    (root / "data" / "values.csv").write_bytes(b"\xef\xbb\xbf" + GOOD_VALUES.replace("\n", "\r\n").encode())
    project, _ = load_project(root)
    assert project.values[0].target == Decimal(2)


@pytest.mark.parametrize(
    ("field", "written", "shown"),
    [
        ("code", "0123", "0123"),
        ("owner", "NO", "NO"),
        ("title", "2012-01-01", "2012-01-01"),
        ("director", "~", "~"),
        ("code", "1.5", "1.5"),
    ],
)
def test_text_that_yaml_reads_as_another_type_must_be_quoted(
    tmp_path: Path, field: str, written: str, shown: str
) -> None:
    original = {"code": 'code: "X1"', "owner": "owner: O", "title": "title: T", "director": "director: D"}
    text = GOOD_INDICATOR.replace(original[field], f"{field}: {written}")
    assert text != GOOD_INDICATOR
    problems = _problems(write_project(tmp_path, text, GOOD_VALUES))
    assert any("indicators.yaml:" in p and "quote it" in p and shown in p for p in problems), problems


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    indicators = (
        GOOD_INDICATOR + "    colour: red\n" + GOOD_INDICATOR.split("\n", 1)[1].replace("bigger", "upwards")
    )
    values = (
        "code,period_end,actual,target\n"
        "X1,2012-06-30,1,2\n"
        "X1,2012-06-30,3,4\n"
        "X1,2012-07-31,nan,1\n"
        'X1,2012-08-31,"1,000",95%\n'
        "Y9,2012-02-30,1,1\n"
    )
    comments = "code,period_end,author,subject,text\nZZ,2012-06-30,A,S,T\n"
    problems = _problems(write_project(tmp_path, indicators, values, comments))
    joined = "\n".join(problems)
    assert "indicators.yaml:7: unknown key 'colour'" in joined
    assert "indicators.yaml:12: polarity: unknown polarity 'upwards'" in joined
    assert "indicators.yaml:8: duplicate code 'X1' (first on line 2)" in joined  # invalid, and a duplicate
    assert "values.csv:3: duplicate row for X1 2012-06-30 (first on line 2)" in joined
    assert "values.csv:4: actual: 'nan' is not a plain decimal number" in joined
    assert "values.csv:5: actual: '1,000' is not a plain decimal number (no thousands separators)" in joined
    assert "values.csv:5: target: '95%' is not a plain decimal number (no percent sign" in joined
    assert "values.csv:6: unknown indicator code 'Y9'" in joined
    assert "values.csv:6: period_end: '2012-02-30' is not a real date" in joined
    assert "comments.csv:2: unknown indicator code 'ZZ'" in joined


def test_blank_lines_before_the_header_are_skipped_and_lines_still_count(tmp_path: Path) -> None:
    values = "\n \r\n,,,\n" + GOOD_VALUES + "X1,2012-07-31,x,2\n"
    problems = _problems_as_listed(write_project(tmp_path, GOOD_INDICATOR, values))
    assert problems == ["data/values.csv:6: actual: 'x' is not a plain decimal number"]
    header = "\n\ncode,period_end,actual,Target\nX1,2012-06-30,1,2\n"
    problems = _problems_as_listed(write_project(tmp_path, GOOD_INDICATOR, header))
    assert len(problems) == 1 and problems[0].startswith("data/values.csv:3: wrong header:"), problems
    problems = _problems_as_listed(write_project(tmp_path, GOOD_INDICATOR, "\n\n\n"))
    assert problems == ["data/values.csv:1: empty file: expected the header code,period_end,actual,target"]


def test_a_malformed_row_does_not_stop_the_check_of_the_rows_after_it(tmp_path: Path) -> None:
    values = (
        "code,period_end,actual,target\n"
        'X1,2012-06-30,"37"x,36\n'
        "NOPE,2012-06-30,1,1\n"
        'X1,"2012-07-31\n"x,1,1\n'  # a quoted field over two lines, then the error
        "X1,2012-02-30,1,1\n"
    )
    problems = _problems_as_listed(write_project(tmp_path, GOOD_INDICATOR, values))
    assert problems == [
        f"data/values.csv:2: {TEXT_AFTER_QUOTE}",
        "data/values.csv:3: unknown indicator code 'NOPE' (not in config/indicators.yaml)",
        f"data/values.csv:4: {TEXT_AFTER_QUOTE}",
        "data/values.csv:6: period_end: '2012-02-30' is not a real date",
    ]


@pytest.mark.parametrize(
    "row",
    [
        'X1,2012-06-30,"a "quoted" word\nsecond line",1',  # the stray quotes leave one open
        'X1,2012-06-30,"3"7",1,"two\nlines",1',  # the quotes pair up, but a field runs on
        'X1,2012-06-30,"never closed,1\nX1,2012-07-31,1,1\nX1,2012-08-31,"1",1',
    ],
)
def test_after_a_malformed_row_that_may_run_on_the_rest_is_not_guessed_at(tmp_path: Path, row: str) -> None:
    values = "code,period_end,actual,target\n" + row + "\nNOPE,2012-02-30,1,1\n"
    problems = _problems_as_listed(write_project(tmp_path, GOOD_INDICATOR, values))
    assert problems == [
        f"data/values.csv:2: {TEXT_AFTER_QUOTE}; the lines after it are not checked"
    ]


def test_values_in_messages_are_escaped_so_each_message_is_one_line(tmp_path: Path) -> None:
    header = 'code,period_end,actual,target,"tar\nget"\n'
    problems = _problems_as_listed(write_project(tmp_path, GOOD_INDICATOR, header))
    assert len(problems) == 1 and "unknown column(s) 'tar\\nget'" in problems[0], problems
    # When indicators.yaml cannot be read, every code is taken, and shown, as written.
    values = 'code,period_end,actual,target\n"X\n1",2012-06-30,1,\n"X\n1",2012-06-30,2,\n'
    problems = _problems_as_listed(write_project(tmp_path, "indicators: 1\n", values))
    assert "data/values.csv:4: duplicate row for X\\n1 2012-06-30 (first on line 2)" in problems, problems


def test_duplicate_yaml_keys_are_an_error(tmp_path: Path) -> None:
    text = GOOD_INDICATOR + "    owner: Someone Else\n"
    problems = _problems(write_project(tmp_path, text, GOOD_VALUES))
    assert any("indicators.yaml:7: duplicate key 'owner' (first on line 5)" in p for p in problems)


def test_comments_file_may_be_absent(tmp_path: Path) -> None:
    project, _ = load_project(write_project(tmp_path, GOOD_INDICATOR, GOOD_VALUES, comments=None))
    assert project.comments == ()


FALLBACK_CHECK = """\
import sys
sys.modules["yaml._yaml"] = None  # as if PyYAML were built without libyaml
from pathlib import Path
from reportgen import yamlfile, yamlloader
assert yamlloader._Events is yamlloader._PythonEvents
for name in sys.argv[1:]:
    try:
        data, problems = yamlfile.load_yaml(Path(name))
        print(repr(data), [(k, v.line) for k, v in getattr(data, "nodes", {}).items()],
              [(problem.line, problem.message) for problem in problems])
    except yamlfile.YamlLoadError as error:
        print(error.line, error.message)
"""


def test_yaml_reads_the_same_without_libyaml(tmp_path: Path) -> None:
    """Events come from libyaml when PyYAML has it; PyYAML's own parser gives the same
    values, lines, limits and error messages."""
    import subprocess
    import sys

    from reportgen import yamlfile, yamlloader

    assert yamlloader._Events is not yamlloader._PythonEvents, "this PyYAML has libyaml"
    bad = REPO / "tests" / "projects" / "bad"
    names = [str(REPO / "config" / "indicators.yaml"), str(REPO / "config" / "report.yaml")]
    cases = (
        "deep_nesting",
        "billion_laughs",
        "alias_bomb",
        "alias_cycle",
        "duplicate_key",
        "python_tag",
        "syntax_colon",
        "syntax_tab",
        "two_documents",
    )
    names += sorted(str(path) for case in cases for path in (bad / f"yaml_{case}").rglob("*.yaml"))
    assert len(names) == 2 + len(cases)

    def shown(loaded: object) -> str:
        if isinstance(loaded, yamlfile.YamlLoadError):
            return f"{loaded.line} {loaded.message}"
        assert isinstance(loaded, tuple)
        data, problems = loaded
        lines = [(k, v.line) for k, v in getattr(data, "nodes", {}).items()]
        return f"{data!r} {lines} {[(problem.line, problem.message) for problem in problems]}"

    expected = []
    for name in names:
        try:
            expected.append(shown(yamlfile.load_yaml(Path(name))))
        except yamlfile.YamlLoadError as error:
            expected.append(shown(error))
    command = [sys.executable, "-c", FALLBACK_CHECK, *names]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == expected


def test_an_unreadable_value_is_reported_once_and_checking_goes_on() -> None:
    """A value YAML cannot make (an impossible date), reused by an alias, and a duplicate
    key after it: each reported once at its line, and the rest of the file still read."""
    from reportgen.yamlloader import Loader, parse

    data, problems = parse("a: &d 2012-02-30\nb: *d\nc: x\nc: y\nd: 1\n", Loader)
    assert data == {"a": "2012-02-30", "b": "2012-02-30", "c": "x", "d": 1}
    assert [(problem.line, problem.message.split(" (")[0]) for problem in problems] == [
        (1, "YAML reads '2012-02-30' as a date, and cannot make one of it"),
        (4, "duplicate key 'c'"),
    ]


def test_a_value_written_as_an_alias_stands_where_the_alias_is() -> None:
    from reportgen.yamlloader import Loader, parse

    data, _problems = parse("a: &x {k: 1}\nb: *x\nlist:\n  - *x\n  - &y 2\n  - *y\n", Loader)
    assert [data.nodes[key].line for key in ("a", "b")] == [1, 2]
    assert [node.line for node in data["list"].nodes] == [4, 5, 6]


def test_a_problem_merged_into_two_entries_is_reported_once(tmp_path: Path) -> None:
    indicators = """\
indicators:
  - &first
    code: "X1"
    title: T
    director: D
    owner: 5
    polarity: bigger
  - <<: *first
    code: "X2"
"""
    root = write_project(tmp_path, indicators, GOOD_VALUES)
    assert _problems_as_listed(root) == [
        "config/indicators.yaml:6: owner: YAML reads '5' as the number 5; quote it: owner: \"5\""
    ]


def test_a_quote_left_open_is_named_not_called_malformed(tmp_path: Path) -> None:
    # The field runs on to the end of the file, past the csv module's field limit.
    comments = (
        'code,period_end,author,subject,text\nX1,2012-06-30,O,S,"Opened, never closed ' + "and on " * 20000
    )
    root = write_project(tmp_path, GOOD_INDICATOR, GOOD_VALUES, comments)
    assert _problems_as_listed(root) == [
        "data/comments.csv:2: malformed CSV: a cell runs on past 131,072 characters, "
        'as when a closing quote (") is missing'
    ]


def test_a_missing_project_folder_is_a_clean_error_from_the_library(tmp_path: Path) -> None:
    from reportgen.errors import ReportgenError
    from reportgen.main import validate

    with pytest.raises(ReportgenError, match="project folder not found"):
        validate(tmp_path / "nowhere")


def test_a_base_60_float_is_a_number_as_yaml_1_1_reads_it() -> None:
    """`title: 1:30.5` is 90.5 to YAML 1.1, so a text field written so must be quoted."""
    from reportgen.yamlloader import Loader, parse

    data, _problems = parse("a: 1:30.5\nb: -190:20:30.15\nc: 1:30\n", Loader)
    assert data == {"a": Decimal("90.5"), "b": Decimal("-685230.15"), "c": 90}


def test_a_name_spelt_with_a_combining_accent_is_the_same_name(tmp_path: Path) -> None:
    decomposed, composed = "Zoe\u0308 Ng", "Zo\u00eb Ng"
    indicators = GOOD_INDICATOR.replace("director: D", f'director: "{decomposed}"') + (
        f'  - {{code: "X2", title: T, director: "{composed}", owner: O, polarity: bigger}}\n'
    )
    report = f'title: Test Pack\nperiod: 2012-13-Q1\ndirectors: ["{composed}"]\n'
    project, _ = load_project(write_project(tmp_path, indicators, GOOD_VALUES, report=report))
    assert {indicator.director for indicator in project.indicators} == {composed}
    assert project.settings.directors == [composed]


def test_a_listed_director_without_indicators_is_a_warning_and_the_rest_keep_their_order(
    tmp_path: Path,
) -> None:
    indicators = GOOD_INDICATOR + '  - {code: "X2", title: T, director: E, owner: O, polarity: bigger}\n'
    report = "title: Test Pack\nperiod: 2012-13-Q1\ndirectors: [Ee, Nobody Here, E, D]\n"
    root = write_project(tmp_path, indicators, GOOD_VALUES, report=report)
    with pytest.warns(ReportgenWarning) as warned:
        project, period = load_project(root)
    said = [str(warning.message).removeprefix(f"{root}/") for warning in warned]
    assert said == [
        "config/report.yaml:3: warning: directors: no indicator in config/indicators.yaml has the "
        "director 'Ee' (did you mean 'E'?); the name is left out of the section order",
        "config/report.yaml:3: warning: directors: no indicator in config/indicators.yaml has the "
        "director 'Nobody Here'; the name is left out of the section order",
    ]
    from reportgen.compute import compute_report

    assert [director.name for director in compute_report(project, period).directors] == ["E", "D"]


def test_a_comment_row_without_text_or_author_is_a_warning_not_an_error(tmp_path: Path) -> None:
    comments = "code,period_end,author,subject,text\nX1,2012-06-30,Sam,S,   \nX1,2012-05-31,,S,Seen.\n"
    root = write_project(tmp_path, GOOD_INDICATOR, GOOD_VALUES, comments)
    with pytest.warns(ReportgenWarning) as warned:
        project, _ = load_project(root)
    assert [str(warning.message).removeprefix(f"{root}/") for warning in warned] == [
        "data/comments.csv:2: warning: text: empty; the row is left out, so its indicator counts as "
        "not commented on",
        "data/comments.csv:3: warning: author: empty; the comment is shown without an author",
    ]
    assert [(comment.author, comment.text) for comment in project.comments] == [("", "Seen.")]


def test_many_incomplete_comment_rows_are_counted_after_the_first_few(tmp_path: Path) -> None:
    comments = "code,period_end,author,subject,text\n" + "X1,2012-06-30,Sam,S,\n" * 1000
    root = write_project(tmp_path, GOOD_INDICATOR, GOOD_VALUES, comments)
    with pytest.warns(ReportgenWarning) as warned:
        load_project(root)
    assert len(warned) == 6
    said = str(warned[-1].message)
    assert said == f"{root}/data/comments.csv: warning: 995 more rows with an empty author or text"
