"""Shared fixtures: small inputs written in the test, so each test shows its own data."""

import csv

import pytest

RECORD_HEADER = ["publication_number", "publication_date", "applicant_name", "applicant_country", "applicant_sequence", "applicant_sector"]


def write_csv(path, header, rows):
    """Write rows under a header as UTF-8 CSV and return the path."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def records_csv(tmp_path):
    """Return a function that writes application-level rows to a CSV in tmp_path."""

    def write(rows, header=RECORD_HEADER, name="records.csv"):
        return write_csv(tmp_path / name, header, rows)

    return write


@pytest.fixture
def co_applicants(records_csv):
    """Publications where the three counting rules give different answers.

    WO1: Alpha (1st), Beta (2nd); WO2: Beta (1st), Alpha, Gamma; WO3: Alpha alone;
    WO4: Gamma (1st), and Gamma again under another spelling (counts once).
    """
    return records_csv([
        ["WO2018000001", "2018-03-01", "Alpha University", "CN", 1, "education"],
        ["WO2018000001", "2018-03-01", "Beta Corp", "US", 2, "business"],
        ["WO2018000002", "2018-04-01", "Beta Corp", "US", 1, "business"],
        ["WO2018000002", "2018-04-01", "Alpha University", "CN", 2, "education"],
        ["WO2018000002", "2018-04-01", "Gamma Ltd", "JP", 3, "business"],
        ["WO2018000003", "2018-05-01", "Alpha University", "CN", 1, "education"],
        ["WO2018000004", "2018-06-01", "Gamma Ltd", "JP", 1, "business"],
        ["WO2018000004", "2018-06-01", "GAMMA LIMITED", "JP", 2, "business"],
    ])
