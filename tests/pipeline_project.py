"""A small three-director project whose first director runs over several pages."""

from __future__ import annotations

from pathlib import Path

from .conftest import write_project

DIRECTORS = {"Ann Lee": ["A1", "A2", "A3", "A4"], "Bo Dee": ["B1"], "Cy Fox": ["C1", "C2"]}
SLUGS = ["ann-lee", "bo-dee", "cy-fox"]
LONG = "The service reviewed every case that fell outside the timescale this month. " * 12


def indicators_yaml() -> str:
    lines = ["indicators:"]
    for director, codes in DIRECTORS.items():
        for code in codes:
            lines += [
                f'  - code: "{code}"',
                f'    title: "Indicator {code}"',
                f'    director: "{director}"',
                '    owner: "Sam Owner"',
                "    polarity: bigger",
                '    unit: "%"',
            ]
    return "\n".join(lines) + "\n"


def values_csv() -> str:
    rows = ["code,period_end,actual,target"]
    for number, code in enumerate(c for codes in DIRECTORS.values() for c in codes):
        # Alternate red and green so every band heading and outline level appears.
        actual = 40 if number % 2 else 60
        rows += [f"{code},2012-04-30,{actual},", f"{code},2012-05-31,{actual},",
                 f"{code},2012-06-30,{actual},50"]
    return "\n".join(rows) + "\n"


def comments_csv(extra: str = "", long: bool = True) -> str:
    rows = ["code,period_end,author,subject,text"]
    text = f"{LONG}\n\n{LONG}" if long else "Short."
    for code in DIRECTORS["Ann Lee"]:
        rows.append(f'{code},2012-06-30,Sam Owner,Commentary,"{text}"')
    rows.append(f'C1,2012-06-30,Sam Owner,Commentary,"Cy comment.{extra}"')
    return "\n".join(rows) + "\n"


def make_project(root: Path, long: bool = True) -> Path:
    """The project; `long=False` keeps every section to one page (quicker to build)."""
    return write_project(root, indicators_yaml(), values_csv(), comments_csv(long=long))
