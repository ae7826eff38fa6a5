import math
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from matplotlib import rc_context, rcParams
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from analysis import charts, present, summary
from analysis.dataset import load_dataset
from analysis.fonts import cjk_family
from analysis.profile import institution_profile

FIXTURE = Path(__file__).parent / "fixtures" / "content_records.csv"
DALIAN = "Dalian University of Technology"


CJK_RANKING = pd.DataFrame(
    {
        "rank": [1, 2, 3],
        "applicant": ["University of California", "東京大学", "大连理工大学"],
        "published": [35, 20, 14],
    }
)


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(FIXTURE)


def bars(figure):
    return figure.axes[0].patches


def tick_labels(figure):
    return [label.get_text() for label in figure.axes[0].get_yticklabels()]


def test_trend_draws_counts_and_ranks_with_the_best_rank_on_top(dataset):
    figure = charts.trend(institution_profile(dataset, DALIAN, 2018))
    counts, ranks = figure.axes
    assert isinstance(figure, Figure)
    assert counts.get_title("left") == f"{DALIAN}: published PCT applications and ranks"
    assert [bar.get_height() for bar in counts.patches] == [9, 11, 14]
    assert len(ranks.get_lines()) == 3
    assert ranks.yaxis_inverted()
    assert ranks.get_yscale() == "log"
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert legend == [
        "Rank among all applicants",
        "Rank among educational institutions",
        "Rank among Chinese educational institutions",
    ]


def test_standing_highlights_the_institution_inside_the_top(dataset):
    table = summary.standing_among_top(dataset.ranked, 2018, DALIAN, top=50)
    figure = charts.standing(table, DALIAN, "Leading educational institutions, 2018")
    assert figure.axes[0].get_title("left") == "Leading educational institutions, 2018"
    assert tick_labels(figure)[3] == "4. Dalian University of Technology"
    colours = [to_hex(bar.get_facecolor()) for bar in bars(figure)]
    assert colours.count(charts.ORANGE) == 1 and colours[3] == charts.ORANGE
    assert "…" not in tick_labels(figure)


def test_standing_shows_the_institution_after_a_gap_when_outside_the_bars(dataset):
    table = summary.standing_among_top(dataset.ranked, 2018, DALIAN, top=50)
    figure = charts.standing(table, DALIAN, "Leaders", bars=2)
    assert tick_labels(figure) == [
        "1. University of California",
        "2. Massachusetts Institute of Technology",
        "…",
        "4. Dalian University of Technology",
    ]
    assert to_hex(bars(figure)[-1].get_facecolor()) == charts.ORANGE
    assert bars(figure)[-1].get_width() == 14


def test_standing_shows_the_institution_outside_the_top_n(dataset):
    table = summary.standing_among_top(dataset.ranked, 2018, DALIAN, top=1)
    figure = charts.standing(table, DALIAN, "Leader")
    assert tick_labels(figure) == ["1. University of California", "…", "4. Dalian University of Technology"]


def test_standing_draws_chinese_names():
    assert "3. 大连理工大学" in tick_labels(charts.standing(CJK_RANKING, "大连理工大学", "Leaders"))


def test_shares_draw_one_bar_per_group_with_others_in_grey(dataset):
    table = summary.shares_by_country(dataset.ranked, 2018, top=2)
    figure = charts.shares(table, "By country")
    assert figure.axes[0].get_title("left") == "By country"
    assert tick_labels(figure) == ["China", "United States", "Others"]
    assert [round(bar.get_width(), 6) for bar in bars(figure)] == [round(share, 6) for share in table["share"]]
    assert to_hex(bars(figure)[-1].get_facecolor()) == charts.GREY


def test_movers_colour_climbs_and_falls_apart(dataset):
    table = summary.biggest_movers(dataset.ranked, 2018, count=2)
    figure = charts.movers(table, "Movers")
    widths = [bar.get_width() for bar in bars(figure)]
    assert widths == table["rank_change"].tolist()
    colours = [to_hex(bar.get_facecolor()) for bar in bars(figure)]
    assert colours == [charts.BLUE if width > 0 else charts.ORANGE for width in widths]
    assert tick_labels(figure)[0].startswith(f"{table['applicant'][0]} (")


def test_axis_numbers_have_thousands_separators():
    table = pd.DataFrame({"rank": [1, 2], "applicant": ["A", "B"], "published": [12000, 9000]})
    figure = charts.standing(table, "B", "Big")
    figure.canvas.draw()
    assert "10,000" in [label.get_text() for label in figure.axes[0].get_xticklabels()]


def test_trend_leaves_years_without_data_as_gaps_with_whole_year_ticks(dataset):
    profile = institution_profile(dataset, DALIAN, 2018)
    gappy = replace(profile, trend=profile.trend[profile.trend["year"] != 2017])
    figure = charts.trend(gappy)
    counts, ranks = figure.axes
    assert [bar.get_x() + bar.get_width() / 2 for bar in counts.patches] == [2016, 2018]
    for line in ranks.get_lines():
        years, ranks_drawn = line.get_data()
        assert list(years) == [2016, 2017, 2018]
        assert math.isnan(ranks_drawn[1])  # not joined across 2017
    figure.draw_without_rendering()
    assert all(float(tick).is_integer() for tick in ranks.get_xticks())


def render(chart):
    return present.figure(chart, alt="chart", caption="chart").html


def test_a_notebooks_theme_leaves_the_charts_unchanged_and_their_cjk_names_drawn():
    import seaborn as sns

    before = render(charts.standing(CJK_RANKING, "大连理工大学", "Leaders"))
    with rc_context():
        sns.set_theme(style="darkgrid", palette="pastel", font_scale=1.4)
        rcParams["lines.linewidth"] = 4
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph … missing from font(s)" would fail here
            figure = charts.standing(CJK_RANKING, "大连理工大学", "Leaders")
            after = render(figure)
    assert after == before
    label = next(label for label in figure.axes[0].get_yticklabels() if "大连理工大学" in label.get_text())
    assert label.get_fontfamily() == ["DejaVu Sans", cjk_family()] and "CJK" in cjk_family()


def test_a_researchers_own_figure_keeps_cjk_names_after_set_theme():
    import seaborn as sns

    with rc_context():
        sns.set_theme()
        figure = Figure()
        axes = figure.subplots()
        axes.bar(["清华大学", "MIT"], [3, 2])
        axes.set_title("大学")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            render(figure)
    assert cjk_family() in axes.title.get_fontfamily()
    assert cjk_family() not in axes.get_xticklabels()[1].get_fontfamily()  # Latin text keeps its font
