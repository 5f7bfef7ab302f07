"""Writes a synthetic report project: N indicators over D directors, a year of monthly data.

    python benchmarks/generate.py OUT_DIR --indicators 1000 --directors 50 [--seed 1]

Deterministic for a given seed. Bands come out mixed (mostly red and green, some on
target, a few with no data) and most indicators carry one to three multi-paragraph
comments, like the seed's pack.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date
from pathlib import Path

FIRST_NAMES = ["Janice", "Meredith", "Stuart", "Andy", "Roz", "Cornelia", "Karen", "Zoë",
               "Priya", "Tom", "Aisha", "Gareth", "Mei", "Olu", "Siobhan", "Dev"]
LAST_NAMES = ["Spencer", "Teasdale", "Carlton", "Breckon", "Cordy", "Andrecut", "Bailey",
              "O'Brien-Smith", "Patel", "Hughes", "Khan", "Evans", "Lin", "Adeyemi", "Walsh"]
TOPICS = ["looked after children", "child protection plans", "care leavers in education",
          "initial assessments within 10 days", "school attendance", "youth offending",
          "adoptions within 12 months", "foster carer recruitment", "early help episodes",
          "re-referrals within 12 months", "missing from home episodes", "NEET 16-18s"]
UNITS = ["%", "Number", "Number per 10,000", "Days", ""]
SENTENCES = [
    "Performance has improved steadily since the start of the year.",
    "The service continues to review every case that falls outside the timescale.",
    "A multi-agency review is under way to understand the rise in referrals.",
    "Data cleansing in the case management system has changed the baseline.",
    "Managers are challenging practice at weekly panels to keep the figure on track.",
    "Recruitment to two vacant social worker posts should ease the pressure next quarter.",
    "The figure is affected by a small number of complex cases with long court timescales.",
    "Comparison with statistical neighbours shows we remain in the middle quartile.",
    "An action plan has been agreed with the head of service and will be monitored monthly.",
    "Seasonal variation means the summer months are usually lower than the winter months.",
]


def _paragraphs(rng: random.Random) -> str:
    count = rng.choice([1, 2, 2, 3, 4])
    return "\n\n".join(" ".join(rng.sample(SENTENCES, rng.randint(2, 5))) for _ in range(count))


def _month_ends(start_year: int) -> list[date]:
    ends = []
    for offset in range(12):
        year, month = start_year + (3 + offset) // 12, (3 + offset) % 12 + 1
        following = date(year + month // 12, month % 12 + 1, 1)
        ends.append(date.fromordinal(following.toordinal() - 1))
    return ends


def _director_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        name = name if name not in names else f"{name} {len(names) + 1}"
        names.append(name)
    return names


def generate(out: Path, indicators: int, directors: int, seed: int = 1) -> Path:
    """Writes the project under OUT and returns OUT."""
    rng = random.Random(seed)
    months = _month_ends(2012)
    names = _director_names(directors, rng)
    (out / "config").mkdir(parents=True, exist_ok=True)
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "config" / "report.yaml").write_text(
        "title: Performance Report\norganisation: Synthetic Services\n"
        "period: 2012-13-Q2\nlocale: en_GB\n", encoding="utf-8")
    definitions = ["indicators:"]
    values = [["code", "period_end", "actual", "target"]]
    comments = [["code", "period_end", "author", "subject", "text"]]
    for number in range(indicators):
        code = f"SYN{number:04d}"
        director = names[number * directors // indicators]
        owner = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        polarity = rng.choice(["bigger", "smaller"])
        plans = rng.sample(["CBP", "CYPP", "LAA"], rng.randint(0, 2))
        definitions += [
            f'  - code: "{code}"',
            f'    title: "{rng.choice(TOPICS).capitalize()} ({number})"',
            f'    director: "{director}"',
            f'    owner: "{owner}"',
            f"    polarity: {polarity}",
            f'    unit: "{rng.choice(UNITS)}"',
            f"    plans: [{', '.join(plans)}]",
        ]
        kind = rng.random()
        base = rng.uniform(5, 95)
        for index, month in enumerate(months):
            target = round(base + index * 0.5, 1) if index % 3 == 2 else None
            actual = None if kind < 0.05 else round(base + rng.uniform(-8, 8), 2)
            if kind > 0.85 and target is not None:
                actual = target  # on target
            values.append([code, month.isoformat(), "" if actual is None else str(actual),
                           "" if target is None else str(target)])
        if rng.random() < 0.8:
            for month in sorted(rng.sample(months[3:6], rng.randint(1, 3))):
                comments.append([code, month.isoformat(), owner,
                                 "Head of Service Commentary", _paragraphs(rng)])
    (out / "config" / "indicators.yaml").write_text("\n".join(definitions) + "\n", "utf-8")
    for name, rows in (("values.csv", values), ("comments.csv", comments)):
        with open(out / "data" / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--directors", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    generate(arguments.out, arguments.indicators, arguments.directors, arguments.seed)


if __name__ == "__main__":
    main()
