"""A CJK font behind matplotlib's text, so that Chinese, Japanese and Korean names are drawn.

matplotlib draws a character only from the fonts in a text's family list, and seaborn's
``set_theme`` replaces the whole list; the fallback is therefore added to each figure's
texts when it is shown (``present.figure``, and the notebook hook of ``analysis.ipython``),
not only to ``rcParams``.
"""

import warnings
from functools import cache

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK KR")
"""Preferred fonts for Chinese, Japanese and Korean names, Simplified Chinese first."""


@cache
def cjk_family() -> str | None:
    """Return the name of an installed CJK font, or None; register it if matplotlib's cache predates it."""
    known = {font.name for font in font_manager.fontManager.ttflist}
    if not any("CJK" in name for name in known):
        # matplotlib never rescans the system after building its cache, and the set-up may
        # install fonts-noto-cjk after that.
        for path in font_manager.findSystemFonts():
            if "CJK" in path:
                font_manager.fontManager.addfont(path)
        known = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in known), None) or next(
        (name for name in sorted(known) if "CJK" in name), None
    )


@cache
def _charmap(path: str) -> frozenset[int]:
    return frozenset(font_manager.get_font(path).get_charmap())


def _lacks_glyphs(text: Text) -> bool:
    """Tell whether the first font of ``text``'s family list cannot draw all its characters."""
    string = text.get_text()
    if string.isascii():
        return False
    path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=True)
    return any(ord(character) not in _charmap(path) for character in string if not character.isspace())


def add_cjk_fallback(figure: Figure) -> Figure:
    """Put the CJK font behind every text of ``figure`` that its own font cannot draw; return the figure."""
    family = cjk_family()
    if family is None or all(family in text.get_fontfamily() for text in figure.findobj(Text)):
        return figure
    # Tick labels get their text, and new ticks their font, only when the figure is drawn;
    # this draw is before the fallback, so its missing glyphs are no news.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font")
        figure.draw_without_rendering()
    for text in figure.findobj(Text):
        families = text.get_fontfamily()
        if family not in families and _lacks_glyphs(text):
            text.set_fontfamily([*families, family])
    return figure
