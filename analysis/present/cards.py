"""The institution report's key figures: a row of cards, each a figure and its change.

An arrow up always means better: more applications, or a rank nearer the top.
"""

from html import escape
from typing import TYPE_CHECKING

from analysis.narrative import ordinal, sector_in_country
from analysis.present.output import Output
from analysis.present.values import is_missing, number
from analysis.schema import SECTOR_LABELS

if TYPE_CHECKING:
    from analysis.profile import Profile


def _change(
    current: float | None, previous: float | None, previous_year: int, better_when_lower: bool
) -> tuple[str, str]:
    """Describe the move from ``previous`` to ``current``: its class (up, down, same) and words."""
    if is_missing(previous) or is_missing(current):
        return "", f"no figure for {previous_year}"
    gain = previous - current if better_when_lower else current - previous
    if gain == 0:
        return "same", f"unchanged since {previous_year}"
    arrow, direction = ("▲", "up") if gain > 0 else ("▼", "down")
    amount = number(abs(gain))
    unit = (" place" if abs(gain) == 1 else " places") if better_when_lower else ""
    return direction, f"{arrow} {amount}{unit} since {previous_year}"


def key_figures(profile: "Profile") -> Output:
    """Show a row of cards: published applications and the three ranks, each with its change."""
    now, before, last_year = profile.current, profile.previous, profile.year - 1
    scopes = (
        ("rank_overall", "applicants_overall", "all applicants"),
        ("rank_sector", "applicants_sector", SECTOR_LABELS[profile.sector]),
        ("rank_sector_country", "applicants_sector_country", sector_in_country(profile.sector, profile.country)),
    )
    cards = [
        (
            "Published PCT applications",
            number(now.published),
            f"in {profile.year}",
            _change(now.published, getattr(before, "published", None), last_year, better_when_lower=False),
        )
    ]
    cards += [
        (
            f"Rank among {scope}",
            ordinal(getattr(now, rank)),
            f"of {number(getattr(now, size))}",
            _change(getattr(now, rank), getattr(before, rank, None), last_year, better_when_lower=True),
        )
        for rank, size, scope in scopes
    ]
    html = "".join(
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div><div class="context">{escape(context)}</div>'
        f'<div class="change {direction}">{escape(change)}</div></div>'
        for label, value, context, (direction, change) in cards
    )
    text = "\n".join(f"{label}: {value} {context} ({change})" for label, value, context, (_, change) in cards)
    return Output(f'<div class="key-figures">{html}</div>', text)
