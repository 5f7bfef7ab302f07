"""One indicator block against a golden HTML file, so a markup change is always deliberate.

Regenerate after an intended change with
`REPORTGEN_REGEN_GOLDEN=1 pytest tests/test_layout_golden.py`, then review the diff of
tests/golden/ before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

from reportgen.main import validate
from reportgen.render import Renderer

from .conftest import write_project

GOLDEN = Path(__file__).resolve().parent / "golden" / "indicator_block.html"

INDICATORS = """\
indicators:
  - code: PAF C23
    title: Adoptions of LAC & <others>
    director: Jo Bloggs
    owner: Ann O'Neil
    polarity: Smaller is Better
    unit: Number per 10,000
    plans: [CBP, CYPP]
"""
VALUES = "code,period_end,actual,target\n" + "".join(
    f"PAF C23,{day},{actual},{target}\n"
    for day, actual, target in [
        ("2012-04-30", "1200", ""),
        ("2012-05-31", "", ""),
        ("2012-06-30", "1234.50", "1100"),
        ("2012-07-31", "99", ""),  # after the period end: never shown
        ("2012-09-30", "", "1100.0"),
        ("2013-03-31", "", "-2"),
    ]
)
COMMENTS = """\
code,period_end,author,subject,text
PAF C23,2012-05-31,Ann O'Neil,Earlier,"Older comment, shown second"
PAF C23,2012-06-30,Bea Smith,Head of Service Commentary,"First paragraph <script>x</script>
same paragraph.

Second paragraph."
"""


def render_block(root: Path) -> str:
    report = validate(write_project(root, INDICATORS, VALUES, COMMENTS))
    renderer = Renderer(report, None)
    template = renderer.environment.from_string(
        '{% from "indicator.html" import indicator_block %}{{ indicator_block(result, period, 4) }}'
    )
    return template.render(result=report.indicators[0], period=report.period)


def test_indicator_block_matches_golden(tmp_path: Path) -> None:
    html = render_block(tmp_path)
    if os.environ.get("REPORTGEN_REGEN_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8"), (
        "indicator block changed; if intended, regenerate with REPORTGEN_REGEN_GOLDEN=1"
    )
