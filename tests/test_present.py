import json
import re
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis import markup, present
from analysis.dataset import load_dataset
from analysis.markup import STYLESHEET
from analysis.profile import institution_profile

HOSTILE = "<script>alert(1)</script>"
FIXTURE = Path(__file__).parent / "fixtures" / "content_records.csv"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(FIXTURE)


@pytest.fixture
def ranking():
    return pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "applicant": ["Dalian University of Technology", HOSTILE, "清华大学"],
            "country": ["CN", "US", "CN"],
            "provenance": ["published", "synthetic", None],
            "published": [1234, 53, 7],
            "published_year_minus_1": pd.array([1000, None, 7], dtype="Int64"),
            "rank_change": [2, "new", -1],
        }
    )


def test_table_shows_a_hostile_applicant_as_text(ranking):
    html = present.table(ranking, "top", "Top applicants").html
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_table_escapes_caption_and_headers(ranking):
    html = present.table(ranking, "top", f"Caption {HOSTILE}", columns={"applicant": f"Name {HOSTILE}"}).html
    assert HOSTILE not in html
    assert html.count("&lt;script&gt;") == 3  # caption, header and the applicant's cell


def test_table_is_a_data_table_with_caption_and_readable_headers(ranking):
    html = present.table(ranking, "top", "Top applicants").html
    assert html.startswith('<div class="table-scroll"><table class="data"><caption>Top applicants</caption>')
    assert '<th scope="col" class="num">Published</th>' in html
    assert "published_year_minus_1" not in html


def test_numbers_are_right_aligned_with_thousands_separators(ranking):
    html = present.table(ranking, "top", "Top").html
    assert '<td class="num">1,234</td>' in html
    assert '<td class="num">–</td>' in html  # a missing figure
    assert '<td class="num">+2</td>' in html and '<td class="num">−1</td>' in html
    assert '<td class="num">new</td>' in html  # words in a column of numbers stay aligned with it


def test_years_have_no_thousands_separator():
    html = present.table(pd.DataFrame({"year": [2018], "published": [53]}), "trend", "Trend").html
    assert ">2018<" in html and "2,018" not in html


def test_highlighted_row_is_marked(ranking):
    html = present.table(ranking, "top", "Top", highlight="清华大学").html
    rows = html.split("<tr")
    marked = [row for row in rows if row.startswith(' class="highlight"')]
    assert len(marked) == 1 and "清华大学" in marked[0]


def test_provenance_is_a_mark_explained_below_the_table(ranking):
    html = present.table(ranking, "top", "Top").html
    assert (
        '<bdi>Dalian University of Technology</bdi><sup class="provenance" title="published WIPO figure">†</sup>'
        in html
    )
    assert 'title="synthetic demo figure">‡</sup>' in html
    assert "清华大学</bdi></td>" in html  # the user's own figure carries no mark
    assert '<tfoot><tr><td colspan="6">† published WIPO figure; ‡ synthetic demo figure</td></tr></tfoot>' in html


def test_table_without_provenance_has_no_footnote():
    html = present.table(pd.DataFrame({"applicant": ["A"], "published": [1]}), "t", "T").html
    assert "<tfoot>" not in html


def test_table_bundle_carries_json_safe_data(ranking):
    bundle = present.table(
        ranking, "top", "Top applicants", columns=["rank", "applicant", "published_year_minus_1", "rank_change"]
    )._repr_mimebundle_()
    data = bundle[present.TABLE_MIMETYPE]
    assert json.loads(json.dumps(data)) == data
    assert data["name"] == "top" and data["caption"] == "Top applicants"
    assert data["columns"] == ["rank", "applicant", "published_year_minus_1", "rank_change", "provenance"]
    assert data["data"][1] == [2, HOSTILE, None, "new", "synthetic"]
    assert type(data["data"][0][0]) is int
    assert data["data"][2][-1] is None


def test_table_bundle_keeps_fractional_counts_as_floats():
    data = present.table(pd.DataFrame({"published": [2.5, 3.0]}), "t", "T").data[present.TABLE_MIMETYPE]
    assert data["data"] == [[2.5], [3]]


def test_figure_requires_alt_text_and_caption():
    figure = Figure()
    figure.subplots().plot([1, 2])
    with pytest.raises(ValueError, match="alt="):
        present.figure(figure, caption="Bars")
    with pytest.raises(ValueError, match="caption="):
        present.figure(figure, alt="Bars", caption="  ")
    with pytest.raises(TypeError, match="not str"):
        present.figure("a chart", alt="Bars", caption="Bars")


def test_figure_takes_axes_and_seaborn_grids():
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = pd.DataFrame({"year": [2017, 2018, 2017, 2018], "published": [1, 2, 3, 4], "sector": ["a", "a", "b", "b"]})
    grid = sns.FacetGrid(data, col="sector")
    grid.map(plt.bar, "year", "published")
    axes = Figure().subplots(1, 2)
    for chart in (grid, axes[0], axes, sns.histplot(data["published"])):
        assert 'src="data:image/png;base64,' in present.figure(chart, alt="Bars", caption="Bars").html
    assert not plt.fignum_exists(grid.figure.number)


def test_figure_escapes_alt_and_caption():
    figure = Figure()
    figure.subplots().plot([1, 2], [3, 4])
    html = present.figure(figure, alt=f'A "quoted" {HOSTILE}', caption=HOSTILE).html
    assert HOSTILE not in html
    assert 'alt="A &quot;quoted&quot; &lt;script&gt;' in html
    assert html.startswith('<figure class="chart"><img alt=')
    assert 'src="data:image/png;base64,' in html


def test_the_same_figure_gives_the_same_png_bytes():
    def draw():
        figure = Figure(figsize=(3, 2))
        figure.subplots().bar(["a", "b"], [1, 2])
        return present.figure(figure, "bars", "Bars").html

    assert draw() == draw()


def test_a_pyplot_figure_is_closed_once_shown_so_it_is_not_shown_twice():
    import matplotlib.pyplot as plt

    figure = plt.figure()
    present.figure(figure, "empty", "Empty")
    assert not plt.fignum_exists(figure.number)


def test_paragraphs_and_notes_escape_their_text():
    html = present.paragraphs(f"First {HOSTILE}.", "Second & last.").html
    assert html == "<p>First &lt;script&gt;alert(1)&lt;/script&gt;.</p><p>Second &amp; last.</p>"
    named = present.paragraphs(f"{HOSTILE} published 53.", names=[HOSTILE]).html
    assert named == "<p><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi> published 53.</p>"
    assert present.note(HOSTILE).html == '<p class="note">&lt;script&gt;alert(1)&lt;/script&gt;</p>'


def test_title_is_the_h1_the_renderer_takes_for_the_masthead():
    html = present.title(f"{HOSTILE} in 2018", subtitle="Counts & ranks").html
    assert html == (
        '<h1 class="title">&lt;script&gt;alert(1)&lt;/script&gt; in 2018</h1><p class="subtitle">Counts &amp; ranks</p>'
    )


def test_key_figures_show_each_figure_with_its_change(dataset):
    output = present.key_figures(institution_profile(dataset, "Dalian University of Technology", 2018))
    # The fixture's 2017 → 2018: 11 → 14 applications; 7th → 6th overall, 4th → 4th among
    # educational institutions, 1st → 2nd among Chinese ones.
    assert output.html.count('<div class="card">') == 4
    assert '<div class="value">14</div>' in output.html
    assert '<div class="change up">▲ 3 since 2017</div>' in output.html
    assert '<div class="change up">▲ 1 place since 2017</div>' in output.html
    assert '<div class="change same">unchanged since 2017</div>' in output.html
    assert '<div class="change down">▼ 1 place since 2017</div>' in output.html
    assert "Rank among Chinese educational institutions" in output.html
    assert '<div class="value">6th</div><div class="context">of 12</div>' in output.html


def test_key_figures_without_a_previous_year_say_so(dataset):
    output = present.key_figures(institution_profile(dataset, "Dalian University of Technology", 2016))
    assert output.html.count("no figure for 2015") == 4


def test_provenance_lists_inputs_and_rules(dataset):
    output = present.provenance(dataset)
    data = output.data[present.PROVENANCE_MIMETYPE]
    assert data == {
        "inputs": [
            {"path": "tests/fixtures/content_records.csv", "sha256": dataset.inputs[0].sha256, "format": "canonical"},
            *data["inputs"][1:],
        ],
        "counting": "first-named",
    }
    assert dataset.inputs[0].sha256 in output.html and "(canonical)" in output.html
    assert "first-named: each application is credited to its first-named applicant only" in output.html
    assert "Standard competition ranking" in output.html


def test_shown_paths_never_leak_a_folder_outside_the_project(tmp_path):
    assert present.shown_path(tmp_path / "data.csv") == "data.csv"
    assert present.shown_path(FIXTURE.resolve()) == "tests/fixtures/content_records.csv"
    assert present.shown_path("relative/data.csv") == "relative/data.csv"


def test_outputs_offer_html_in_a_styled_box_and_plain_text():
    bundle = present.note("Plain")._repr_mimebundle_()
    assert bundle["text/plain"] == "Plain"
    assert bundle["text/html"].startswith(
        '<div class="pct-output"><style data-pct-lab>@media screen{:is(.pct-output, #pct-output){'
    )
    assert bundle["text/html"].endswith('</style><p class="note">Plain</p></div>')


def test_the_box_carries_the_reports_rules_for_outputs_scoped_to_it():
    style = markup.scoped_style()
    css = STYLESHEET.read_text(encoding="utf-8")
    # Key figures, highlighted rows and the alignment of figures, as the report has them.
    for rule in (
        ".key-figures .card {",
        "tbody tr.highlight:nth-child(n) {",
        "th.num, td.num {",
        "bdi { unicode-bidi: isolate; }",
    ):
        assert rule in css and rule in style, rule
    assert "@page" not in style and ".masthead" not in style
    assert style.count("{") == style.count("}")


LONG_NAME = "Universidad " + "X" * 5000
RLO_NAME = "Evil\u202eUniversity"


@pytest.fixture
def awkward():
    return pd.DataFrame({"rank": [1, 2], "applicant": [LONG_NAME, RLO_NAME], "published": [5, 4]})


def test_a_very_long_name_is_shortened_in_html_and_whole_in_the_data(awkward):
    output = present.table(awkward, "t", f"{LONG_NAME} and its peers", highlight=LONG_NAME)
    shown = markup.name_html(LONG_NAME)
    assert shown.startswith(f'<bdi title="{LONG_NAME}">Universidad XXX') and shown.endswith("X…</bdi>")
    assert len(shown) - len(f'<bdi title="{LONG_NAME}"></bdi>') == markup.NAME_LIMIT
    assert output.html.count(shown) == 2  # the cell and the caption
    assert output.data[present.TABLE_MIMETYPE]["data"][0][1] == LONG_NAME
    assert present.title(f"{LONG_NAME} in 2018", names=[LONG_NAME]).html == f'<h1 class="title">{shown} in 2018</h1>'


def test_a_right_to_left_override_in_a_name_is_isolated(awkward):
    html = present.table(awkward, "t", "T").html
    assert f"<td><bdi>{RLO_NAME}</bdi></td>" in html
    title = present.title(f"{RLO_NAME}: PCT applications published in 2018", names=[RLO_NAME]).html
    assert title == f'<h1 class="title"><bdi>{RLO_NAME}</bdi>: PCT applications published in 2018</h1>'


def test_weasyprint_lays_out_long_and_right_to_left_names_quickly(awkward):
    import weasyprint

    parts = [
        present.title(f"{LONG_NAME} in 2018", names=[LONG_NAME]).html,
        present.paragraphs(f"{RLO_NAME} published 4 applications.", names=[RLO_NAME]).html,
        present.table(awkward, "t", f"{LONG_NAME}: peers", highlight=LONG_NAME).html,
    ]
    page = f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style><main>{''.join(parts)}</main>"
    document = weasyprint.HTML(string=page).render()
    # A 5,000-character name in a table cell takes weasyprint minutes; shortened, the
    # whole page fits on one or two pages.
    assert len(document.pages) <= 2
    text_after_name = [box for box in _text_boxes(document.pages[0]._page_box) if "published 4" in box.text]
    name = [box for box in _text_boxes(document.pages[0]._page_box) if "Evil" in box.text]
    # Isolated, the override reorders the name only: the sentence goes on to its right.
    assert name and text_after_name and text_after_name[0].position_x > name[0].position_x


def _text_boxes(box):
    if hasattr(box, "text"):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def test_searchable_table_carries_every_row_offline_with_marked_scripts(awkward, ranking):
    rows = pd.concat([ranking.drop(columns=["provenance"])] * 40, ignore_index=True)
    output = present.searchable_table(rows, "everyone", f"All {HOSTILE}", columns=["rank", "applicant", "published"])
    html = output.html
    assert html.startswith('<div class="pct-searchable">')
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("data-pct-offline" in tag and "src=" not in tag for tag in scripts)
    assert HOSTILE not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert html.count("Dalian University of Technology") >= 40  # every row, not a sample
    assert len(output.data[present.TABLE_MIMETYPE]["data"]) == 120
    long = present.searchable_table(awkward, "t", "T")
    assert LONG_NAME not in long.html and long.data[present.TABLE_MIMETYPE]["data"][0][1] == LONG_NAME


def test_print_hides_the_searchable_table_and_keeps_wide_tables_in_their_box():
    css = STYLESHEET.read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    assert re.search(r"\.pct-searchable \{ display: none; \}", printed)
    assert re.search(r"\.table-scroll, \.pct-searchable \{[^}]*overflow-x: auto;", css)
