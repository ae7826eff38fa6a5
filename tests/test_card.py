import pandas as pd
import pytest
from PIL import Image

import analysis.card
from analysis.card import card_figures, write_card
from analysis.coverage import Coverage
from analysis.profile import Profile, Standing

SOURCE = "demo data (data/demo/pct_publications.parquet)"


def profile(country="CN", rank_sector_country=8, coverage=None, counting="first-named"):
    now = Standing(2018, 53, 836, 44, rank_sector_country, 50000, 1500, 300)
    return Profile(
        "Dalian University of Technology",
        country,
        "education",
        "published",
        counting,
        2018,
        now,
        None,
        pd.DataFrame(),
        coverage,
    )


def test_the_card_is_a_1200_by_630_png(tmp_path):
    path = write_card(tmp_path / "card.png", profile(), "first-named", SOURCE, name_zh="大连理工大学")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (1200, 630)


def test_the_same_inputs_give_the_same_bytes_and_no_software_stamp(tmp_path):
    first = write_card(tmp_path / "one.png", profile(), "first-named", SOURCE, name_zh="大连理工大学").read_bytes()
    second = write_card(tmp_path / "two.png", profile(), "first-named", SOURCE, name_zh="大连理工大学").read_bytes()
    assert first == second
    assert b"Software" not in first and b"Matplotlib" not in first


def test_the_chinese_name_is_drawn_with_a_cjk_font(tmp_path):
    with_name = write_card(tmp_path / "zh.png", profile(), "first-named", SOURCE, name_zh="大连理工大学").read_bytes()
    without = write_card(tmp_path / "en.png", profile(), "first-named", SOURCE).read_bytes()
    assert with_name != without


def test_without_a_cjk_font_the_card_refuses_to_print_empty_boxes(tmp_path, monkeypatch):
    monkeypatch.setattr(analysis.card, "cjk_family", lambda: None)
    with pytest.raises(ValueError, match="no installed font"):
        write_card(tmp_path / "card.png", profile(), "first-named", SOURCE, name_zh="大连理工大学")
    assert not (tmp_path / "card.png").exists()


def test_the_four_figures_are_worded_as_the_headline():
    assert card_figures(profile()) == [
        ("53", "PCT applications published in 2018"),
        ("44th", "among the world's educational institutions"),
        ("8th", "among Chinese educational institutions"),
        ("836th", "among all PCT applicants"),
    ]


def test_partial_data_and_an_unknown_country_are_said_so():
    figures = card_figures(profile(country=None, rank_sector_country=None, coverage=Coverage(2018, 1000, 253000)))
    assert figures[1] == ("44th", "among the educational institutions in this data")
    assert figures[2][0] == "—"
    assert figures[3] == ("836th", "among the applicants in this data")


def test_a_counting_rule_other_than_the_profiles_is_refused(tmp_path):
    with pytest.raises(ValueError, match="fractional"):
        write_card(tmp_path / "card.png", profile(), "fractional", SOURCE)
