"""A share card: one institution's year in four figures, as a 1200 × 630 PNG for social media.

The same inputs give the same bytes: the PNG carries no software name or date, so that a
rebuilt report does not change its card.
"""

import io
import textwrap
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.charts import BLUE, INK
from analysis.fonts import cjk_family
from analysis.narrative import format_count, ordinal, sector_in_country
from analysis.paths import StrPath
from analysis.rules import RULES
from analysis.schema import COUNTING_DESCRIPTIONS, SECTOR_LABELS

if TYPE_CHECKING:
    from analysis.profile import Profile

WIDTH, HEIGHT, DPI = 1200, 630, 100
"""Pixels: the size Open Graph and most social networks show without cropping."""

FIGURE_POINTS = 46
"""The key figures' size; a longer figure ('1,234.5') shrinks to stay in its quarter of the card."""

MISSING_GLYPH = "missing from font"
"""How matplotlib warns that a character was drawn as an empty box."""


def card_figures(profile: "Profile") -> list[tuple[str, str]]:
    """The four key figures of a profile as (value, label) pairs, worded as the headline words them."""
    now = profile.current
    world = (
        f"the world's {SECTOR_LABELS[profile.sector]}"
        if profile.complete
        else f"the {SECTOR_LABELS[profile.sector]} in this data"
    )
    published = (
        "PCT applications published"
        if RULES[profile.counting].wipo
        else f"PCT applications ({profile.counting} counting)"
    )
    if profile.country is not None and now.rank_sector_country is not None:
        in_country = (ordinal(now.rank_sector_country), f"among {sector_in_country(profile.sector, profile.country)}")
    else:
        in_country = ("—", "country unknown, so no rank within it")
    return [
        (format_count(now.published), f"{published} in {profile.year}"),
        (ordinal(now.rank_sector), f"among {world}"),
        in_country,
        (
            ordinal(now.rank_overall),
            "among all PCT applicants" if profile.complete else "among the applicants in this data",
        ),
    ]


def _draw(profile: "Profile", counting: str, source: str, name_zh: str | None) -> Figure:
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
    figure.patches.append(Rectangle((0, 0), 0.015, 1, transform=figure.transFigure, color=BLUE, zorder=0))
    name = textwrap.fill(profile.institution, 36, max_lines=2, placeholder=" …")
    figure.text(0.06, 0.9, name, fontsize=28, fontweight="bold", color=INK, va="top", linespacing=1.1)
    lines = name.count("\n") + 1
    if name_zh:
        figure.text(0.06, 0.9 - 0.085 * lines, name_zh, fontsize=24, color=INK, va="top")
    figure.text(0.95, 0.9, str(profile.year), fontsize=28, fontweight="bold", color=BLUE, va="top", ha="right")
    for column, (value, label) in enumerate(card_figures(profile)):
        x = 0.06 + column * 0.23
        figure.text(
            x, 0.47, value, fontsize=min(FIGURE_POINTS, 260 / len(value)), fontweight="bold", color=BLUE, va="baseline"
        )
        figure.text(x, 0.40, textwrap.fill(label, 24), fontsize=14, color=INK, va="top", linespacing=1.2)
    small_print = f"Counting rule: {COUNTING_DESCRIPTIONS[counting]}. Source: {source}"
    figure.text(
        0.06,
        0.05,
        textwrap.fill(small_print, 150, max_lines=2, placeholder=" …"),
        fontsize=9,
        color="#666666",
        va="bottom",
        linespacing=1.3,
    )
    return figure


def write_card(path: StrPath, profile: "Profile", counting: str, source: str, name_zh: str | None = None) -> StrPath:
    """Write the profile's share card to ``path`` (PNG, 1200 × 630) and return the path."""
    Path(path).write_bytes(card_png(profile, counting, source, name_zh, where=path))
    return path


def show_card(profile: "Profile", counting: str, source: str, name_zh: str | None = None) -> None:
    """Show the share card in the notebook (JupyterLab draws its PNG) and mark it for the
    renderer, which writes that PNG as card.png beside the report; the report page does not
    show it (analysis.export_html prefers the card's own type, which draws nothing)."""
    import base64

    from IPython.display import display

    from analysis.schema import CARD_MIMETYPE

    png = card_png(profile, counting, source, name_zh)
    display({"image/png": base64.b64encode(png).decode("ascii"), CARD_MIMETYPE: {"file": "card.png"}}, raw=True)


def card_png(
    profile: "Profile", counting: str, source: str, name_zh: str | None = None, where: StrPath = "card.png"
) -> bytes:
    """The PNG bytes of the profile's share card.

    ``counting`` is the rule the figures were counted with (it must be the profile's);
    ``source`` names the data, in small print; ``name_zh`` adds the Chinese name under the
    English one. CJK text is drawn with a Noto Sans CJK fallback behind DejaVu Sans; a
    character no installed font has raises ValueError rather than printing an empty box.
    """
    if counting != profile.counting:
        raise ValueError(f"the profile was counted with {profile.counting!r}, not {counting!r}")
    family = cjk_family()
    fonts = ["DejaVu Sans", family] if family else ["DejaVu Sans"]
    with rc_context({"font.family": fonts}), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = io.BytesIO()
        _draw(profile, counting, source, name_zh).savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    missing = [str(w.message) for w in caught if MISSING_GLYPH in str(w.message)]
    if missing:
        raise ValueError(
            f"{where}: no installed font draws part of the card's text ({missing[0]}); install fonts-noto-cjk"
        )
    return png.getvalue()
