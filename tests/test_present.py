import json
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis import present
from analysis.dataset import load_dataset
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
    assert html.startswith('<table class="data"><caption>Top applicants</caption>')
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
    assert 'Dalian University of Technology<sup class="provenance" title="published WIPO figure">†</sup>' in html
    assert 'title="synthetic demo figure">‡</sup>' in html
    assert "清华大学</td>" in html  # the user's own figure carries no mark
    assert "<tfoot><tr><td colspan=\"6\">† published WIPO figure; ‡ synthetic demo figure</td></tr></tfoot>" in html


def test_table_without_provenance_has_no_footnote():
    html = present.table(pd.DataFrame({"applicant": ["A"], "published": [1]}), "t", "T").html
    assert "<tfoot>" not in html


def test_table_bundle_carries_json_safe_data(ranking):
    bundle = present.table(ranking, "top", "Top applicants", columns=["rank", "applicant", "published_year_minus_1", "rank_change"])._repr_mimebundle_()
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
    assert present.note(HOSTILE).html == '<p class="note">&lt;script&gt;alert(1)&lt;/script&gt;</p>'


def test_title_is_the_h1_the_renderer_takes_for_the_masthead():
    html = present.title(f"{HOSTILE} in 2018", subtitle="Counts & ranks").html
    assert html == '<h1 class="title">&lt;script&gt;alert(1)&lt;/script&gt; in 2018</h1><p class="subtitle">Counts &amp; ranks</p>'


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


def test_provenance_lists_inputs_rules_and_parameters(dataset, tmp_path):
    parameters = {"year": 2018, "data_path": str(tmp_path / "mine.csv"), "counting": "first-named"}
    output = present.provenance(dataset, parameters)
    data = output.data[present.PROVENANCE_MIMETYPE]
    assert data["counting"] == "first-named"
    assert data["inputs"][0] == {"path": "tests/fixtures/content_records.csv", "sha256": dataset.inputs[0].sha256}
    assert data["parameters"] == {"year": 2018, "data_path": "mine.csv", "counting": "first-named"}
    assert str(tmp_path) not in output.html
    assert dataset.inputs[0].sha256 in output.html
    assert "first-named: each application is credited to its first-named applicant only" in output.html
    assert "Standard competition ranking" in output.html


def test_shown_paths_never_leak_a_folder_outside_the_project(tmp_path):
    assert present.shown_path(tmp_path / "data.csv") == "data.csv"
    assert present.shown_path(FIXTURE.resolve()) == "tests/fixtures/content_records.csv"
    assert present.shown_path("relative/data.csv") == "relative/data.csv"


def test_outputs_offer_html_and_plain_text():
    bundle = present.note("Plain")._repr_mimebundle_()
    assert bundle == {"text/html": '<p class="note">Plain</p>', "text/plain": "Plain"}
