"""Shared fixtures: small inputs written in the test, so each test shows its own data, and a
temporary cache for every test.

Hypothesis runs each property test with the examples of a profile: "full" (Hypothesis's
100, or fewer where a test asks for fewer) unless the environment variable
PCT_HYPOTHESIS_PROFILE names another; `make test-fast` sets it to "fast", a handful of
examples per property, so that the fast suite stays fast and `make test` keeps them all.
`pytest --hypothesis-profile=...` chooses too, and wins over the variable.
"""

import csv
import os

import duckdb
import pytest
from cli_runner import CACHE_VARIABLE
from hypothesis import settings

from analysis.dataset import load_dataset
from analysis.load import sql_string
from analysis.paths import DEMO_DATA
from analysis.published import read_published_figures

HYPOTHESIS_PROFILE_VARIABLE = "PCT_HYPOTHESIS_PROFILE"
FAST_EXAMPLES = 10

settings.register_profile("full")
settings.register_profile("fast", max_examples=FAST_EXAMPLES)
settings.load_profile(os.environ.get(HYPOTHESIS_PROFILE_VARIABLE, "full"))

RECORD_HEADER = [
    "publication_number",
    "publication_date",
    "applicant_name",
    "applicant_country",
    "applicant_sequence",
    "applicant_sector",
]


@pytest.fixture(autouse=True, scope="session")
def session_cache(tmp_path_factory):
    """A temporary cache shared by the whole session, subprocesses included (through the
    environment): the developer's .cache/ is never read or written by the tests, and the
    demo data is counted once, not once per report a test builds."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_VARIABLE, str(tmp_path_factory.mktemp("session-cache")))
        yield


@pytest.fixture
def temporary_cache(tmp_path_factory, monkeypatch):
    """An empty cache folder of the test's own, through the environment so that the
    command-line and notebook subprocesses it starts use it too; returns the folder."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv(CACHE_VARIABLE, str(folder))
    return folder


DEMO_FIXTURES = {"demo_path", "demo_dataset", "demo_sql"}


def pytest_collection_modifyitems(config, items):
    """A test that reads the demo data must be marked slow: `make test-fast` runs from a fresh
    clone, where the demo data is not generated (30 s to a minute)."""
    unmarked = [
        item.nodeid
        for item in items
        if DEMO_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError(f"mark these tests slow, they read the demo data: {', '.join(unmarked)}")


@pytest.fixture(scope="session")
def demo_path():
    """The session's demo file, which `make data` writes (`make test` does); only slow tests
    read it."""
    if not DEMO_DATA.is_file():
        pytest.fail(f"{DEMO_DATA} is missing: run `make data` before the slow tests (`make test` does)")
    return DEMO_DATA


@pytest.fixture(scope="session")
def demo_dataset(demo_path):
    """The demo data loaded, counted and ranked once for every module that checks it."""
    return load_dataset(demo_path)


@pytest.fixture(scope="session")
def demo_sql(demo_path):
    """Run SQL over the demo file, exposed as the view `demo`, and return a DataFrame."""
    connection = duckdb.connect()
    connection.execute(f"CREATE VIEW demo AS SELECT * FROM read_parquet({sql_string(demo_path)})")
    yield lambda query: connection.execute(query).df()
    connection.close()


@pytest.fixture(scope="session")
def published_figures():
    """WIPO's printed figures, read by the project's one reader."""
    return read_published_figures()


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
    return records_csv(
        [
            ["WO2018000001", "2018-03-01", "Alpha University", "CN", 1, "education"],
            ["WO2018000001", "2018-03-01", "Beta Corp", "US", 2, "business"],
            ["WO2018000002", "2018-04-01", "Beta Corp", "US", 1, "business"],
            ["WO2018000002", "2018-04-01", "Alpha University", "CN", 2, "education"],
            ["WO2018000002", "2018-04-01", "Gamma Ltd", "JP", 3, "business"],
            ["WO2018000003", "2018-05-01", "Alpha University", "CN", 1, "education"],
            ["WO2018000004", "2018-06-01", "Gamma Ltd", "JP", 1, "business"],
            ["WO2018000004", "2018-06-01", "GAMMA LIMITED", "JP", 2, "business"],
        ]
    )
