"""A project unlike the seed (another quarter, monthly data, edge cases) against hand-worked bands."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.main import build, validate

from .conftest import write_project

INDICATORS = """\
indicators:
  - code: "A1"
    title: Apprenticeships started
    director: Zoë O'Brien-Smith
    owner: Sam Lee
    polarity: Bigger is Better
    unit: Number
    tolerance: 2
  - code: "B 2"
    title: Waiting time (days)
    director: Ann Other
    owner: Kim Park
    polarity: SMALLER
    tolerance: "10%"
  - code: "C3"
    title: Budget variance
    director: Zoë O'Brien-Smith
    owner: Sam Lee
    polarity: bigger
    plans: [CBP]
  - code: "D4"
    title: Nothing yet
    director: Ann Other
    owner: Kim Park
    polarity: smaller
"""

VALUES = """\
code,period_end,actual,target
A1,2013-07-31,10,10
A1,2013-08-31,13,10
A1,2013-09-30,11.50,10
A1,2013-10-31,99,20
A1,2014-03-31,,40
B 2,2013-09-30,,20
B 2,2013-08-31,22,20
C3,2013-09-30,-2.5,-2
C3,2013-12-31,,0
D4,2013-09-30,5,
"""

COMMENTS = """\
code,period_end,author,subject,text
A1,2013-06-30,Old Author,Q1 note,From last quarter
A1,2013-08-31,First Author,Aug,August words
A1,2013-09-30,Second Author,Sep,"September <b>bold</b> & more

Second paragraph"
A1,2013-10-31,Future Author,Oct,Not yet written
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "other",
        INDICATORS,
        VALUES,
        COMMENTS,
        report=(
            "title: Quarterly Scorecard\norganisation: Anytown Council\n"
            "period: 2013-14-Q1\nlocale: en_GB\n"
        ),
    )


def _by_code(document: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {i["code"]: i for d in document["directors"] for i in d["indicators"]}


def test_hand_worked_bands_for_quarter_two(project: Path, tmp_path: Path) -> None:
    result = build(project, period="2013-14-Q2", out=tmp_path / "out")
    assert result.output_dir == tmp_path / "out" / "2013-14-Q2"
    document = json.loads((result.output_dir / "report.json").read_text(), parse_float=Decimal)
    assert document["period_label"] == "Quarter 2 2013/14"
    assert document["period_end"] == "2013-09-30"
    indicators = _by_code(document)

    a1 = indicators["A1"]
    # September: 11.50 vs 10, tolerance 2 → on target; October's 99 is after the period end.
    assert (a1["band"], a1["as_of"], a1["actual"], a1["target"]) == (
        "blue_circle", "2013-09-30", Decimal("11.50"), 10
    )
    months = {m["period_end"]: m for m in a1["months"]}
    assert months["2013-08-31"]["band"] == "green_plus"  # 13 vs 10 beyond tolerance 2
    assert months["2013-10-31"]["actual"] is None  # hidden: after the period end
    assert months["2013-10-31"]["target"] == 20  # targets are plans: shown all year
    assert months["2014-03-31"]["target"] == 40
    assert months["2013-10-31"]["band"] is None
    # Comments within the quarter only, newest first; none from Q1 or after the end.
    assert [c["author"] for c in a1["comments"]] == ["Second Author", "First Author"]
    assert a1["comments"][0]["text"] == "September <b>bold</b> & more\n\nSecond paragraph"

    b2 = indicators["B 2"]  # smaller: 22 vs 20 is 2 worse, 10% of 20 = 2 → on target (edge)
    assert (b2["band"], b2["as_of"], b2["polarity"]) == ("blue_circle", "2013-08-31", "smaller")
    assert b2["unit"] == ""

    c3 = indicators["C3"]  # bigger: -2.5 vs -2 is 0.5 worse, no tolerance → red, no comment
    assert (c3["band"], c3["comment_missing"], c3["plans"]) == ("red_diamond", True, ["CBP"])

    d4 = indicators["D4"]  # an actual but never a target
    assert (d4["band"], d4["as_of"], d4["actual"], d4["target"]) == ("no_data", None, None, None)

    assert document["summary"] == {"red_diamond": 1, "green_plus": 0, "blue_circle": 2, "no_data": 1}
    # Directors in order of first appearance; slugs folded to ASCII.
    assert [(d["name"], d["slug"]) for d in document["directors"]] == [
        ("Zoë O'Brien-Smith", "zoe-obrien-smith"),
        ("Ann Other", "ann-other"),
    ]
    assert (result.output_dir / "directors" / "zoe-obrien-smith.pdf").is_file()
    assert (result.output_dir / "fragments" / "B-2.html").is_file()

    chase = (result.output_dir / "missing-comments.csv").read_text(encoding="utf-8-sig").splitlines()
    assert chase == [
        "director,code,title,owner,band,as_of,actual,target",
        "Zoë O'Brien-Smith,C3,Budget variance,Sam Lee,red_diamond,2013-09-30,-2.5,-2",
    ]


def test_comment_text_is_escaped_in_html(project: Path, tmp_path: Path) -> None:
    result = build(project, period="2013-14-Q2", out=tmp_path / "out")
    html = (result.output_dir / "report.html").read_text(encoding="utf-8")
    assert "September &lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert "<b>bold</b>" not in html
    fragment = (result.output_dir / "fragments" / "A1.html").read_text(encoding="utf-8")
    assert "<p>Second paragraph</p>" in fragment
    assert "Not yet written" not in html and "From last quarter" not in html


def test_earlier_quarter_sees_nothing_later(project: Path) -> None:
    report = validate(project, period="2013-14-Q1")
    a1 = next(i for i in report.indicators if i.code == "A1")
    assert a1.as_of is None and a1.band.value == "no_data"  # no month of Q1 has data
    assert [c.author for c in a1.comments] == ["Old Author"]


def test_directors_setting_orders_sections(project: Path) -> None:
    report_yaml = project / "config" / "report.yaml"
    report_yaml.write_text(report_yaml.read_text() + "directors: [Ann Other]\n")
    report = validate(project)
    assert [d.name for d in report.directors] == ["Ann Other", "Zoë O'Brien-Smith"]


def test_tiny_numbers_keep_their_written_digits_in_the_chase_list_and_json(tmp_path: Path) -> None:
    from reportgen.chase import chase_list_csv
    from reportgen.report_json import report_json

    indicators = "indicators:\n  - {code: E1, title: Rate, director: D, owner: O, polarity: bigger}\n"
    values = "code,period_end,actual,target\nE1,2012-06-30,0.0000001,0.0000010\n"
    report = validate(write_project(tmp_path, indicators, values))
    assert chase_list_csv(report).splitlines()[1].endswith(",0.0000001,0.0000010")
    document = report_json(report)
    assert '"actual": 0.0000001,' in document and '"target": 0.0000010' in document
    assert json.loads(document)["directors"][0]["indicators"][0]["actual"] == 1e-7
