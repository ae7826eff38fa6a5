"""The demo generator's calibration: synthetic counts fitted around the printed ones so that
every printed rank holds, and a table that cannot hold fails naming its row."""

import numpy as np
import pandas as pd
import pytest

from analysis.dataset import load_dataset
from analysis.errors import DemoCalibrationError
from analysis.ranking import competition_rank
from scripts.demo.calibration import (
    Anchor,
    anchors_of,
    check_published_ranks,
    first_counts,
    fit_between,
    fit_ranks,
    slots,
)
from scripts.demo.panel import plan_year


@pytest.fixture(scope="module")
def figures(published_figures):
    return published_figures


def test_fit_ties_with_the_rank_above_when_no_whole_number_lies_between():
    anchors = [Anchor(113, 201, "Stanford"), Anchor(112, 206, "Columbia")]
    known = np.array([500] * 200 + [113, 112])
    proposed = np.full(10, 50)
    needed = slots(anchors, known)
    counts, ranked = fit_ranks(proposed, np.arange(10), anchors, needed, 111, np.random.default_rng(0))
    ranks = competition_rank(pd.Series(np.concatenate([known, counts])))
    assert needed == [0, 4] and ranked.sum() == 4
    assert ranks[200] == 201 and ranks[201] == 206


def test_fit_puts_exactly_the_needed_counts_between_the_printed_ones_in_their_order():
    anchors = [Anchor(501, 1, "UC"), Anchor(216, 2, "MIT"), Anchor(53, 44, "DUT")]
    proposed = np.random.default_rng(1).integers(1, 1000, 200)
    order = np.argsort(-proposed, kind="stable")
    counts, ranked = fit_ranks(proposed, order, anchors, slots(anchors, [501, 216, 53]), 52, np.random.default_rng(0))
    assert ranked.sum() == 41 and counts[ranked].min() > 53 and counts[ranked].max() < 216
    assert counts[~ranked].max() <= 52
    assert (np.diff(counts[order]) <= 0).all()


def test_fit_moves_only_the_counts_outside_the_gap_and_keeps_them_near_its_edge():
    moved = fit_between(np.array([400, 300, 150, 120, 20, 10]), 100, 200, np.random.default_rng(0))
    assert list(moved[2:4]) == [150, 120]
    assert (moved[:2] >= 150).all() and (moved[:2] < 200).all()
    assert (moved[4:] > 100).all() and (moved[4:] <= 120).all()
    assert (np.diff(moved) <= 0).all()


def test_the_first_years_tail_continues_from_the_lowest_printed_rank_and_adds_up():
    anchors = [Anchor(501, 1, "UC"), Anchor(53, 44, "DUT")]
    counts = first_counts(5000, anchors, [0, 42], 40_000, 52, np.random.default_rng(0))
    assert len(counts) == 5000 and (np.diff(counts) <= 0).all()
    assert counts[:42].min() > 53 and counts[42:].max() <= 52
    assert counts[42] >= 45
    assert abs(counts.sum() - 40_000) < 400


def test_a_rank_the_known_counts_already_exceed_is_reported_with_its_row():
    with pytest.raises(DemoCalibrationError, match="line 7"):
        slots([Anchor(400, 1, "line 7")], np.array([5000, 400]))


def test_equal_counts_printed_with_different_ranks_are_refused(figures):
    rows = figures[(figures["year"] == 2022) & (figures["count"] == 1884)].copy()
    rows.loc[rows.index[1], "rank_all"] = 8
    with pytest.raises(DemoCalibrationError, match="NTT"):
        anchors_of(rows, "rank_all")


def test_an_impossible_table_fails_loudly_naming_the_row(figures):
    broken = figures.copy()
    broken.loc[(broken["year"] == 2018) & (broken["name"] == "Dalian University of Technology"), "rank_all"] = 3
    plan = plan_year(broken, 2018, False, np.random.default_rng(0))
    with pytest.raises(DemoCalibrationError, match="Dalian University of Technology"):
        slots(plan.anchors_all, plan.planted["published"])


def test_a_figure_the_data_does_not_reproduce_is_reported_with_its_row(tmp_path, figures):
    rows = figures[(figures["year"] == 2023) & (figures["table"] == "business")]
    data = tmp_path / "aggregated.csv"
    pd.DataFrame(
        {
            "year": 2023,
            "applicant_name": rows["name"],
            "applicant_country": rows["country"],
            "applicant_sector": "business",
            "provenance": "published",
            "published": rows["count"].where(rows["rank"] != 4, 1),
        }
    ).to_csv(data, index=False)
    with pytest.raises(DemoCalibrationError, match="line .*Mitsubishi Electric"):
        check_published_ranks(load_dataset(data), rows)
    with pytest.raises(DemoCalibrationError, match="line .*Dalian University of Technology.*not among"):
        check_published_ranks(load_dataset(data), figures[figures["name"] == "Dalian University of Technology"])
