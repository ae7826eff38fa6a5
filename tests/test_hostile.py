"""Hostile and unlucky input through the command line, as a user meets it: one table of
(input builder, expected exit status, expected words). Every bad case exits 2 with one line
on stderr, no traceback and no raw control byte; add a row for each new kind of bad input.

Each case runs the command line in this process (tests/cli_runner.py shows what a user
would see); a few run it in a process of its own too, so that the real path stays covered."""

import os

import pytest
from cli_runner import run_cli, run_process

HEADER = "publication_number,publication_date,applicant_name,applicant_country,applicant_sequence\n"
GOOD = "WO2018000001,2018-01-04,Alpha University,CN,1\n"
MAPPED = "No,Date,Name\nWO2018000001,04.01.2018,Alpha University\n"
COLUMNS = "columns: {publication_number: No, publication_date: Date, applicant_name: Name}\n"


def text(name, content, encoding="utf-8"):
    """A builder writing ``content`` to ``name`` and giving it as --data."""

    def build(tmp_path):
        path = tmp_path / name
        path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
        return ["--data", path]

    return build


def records(rows):
    return text("records.csv", HEADER + GOOD + rows)


def mapped(mapping, data=MAPPED):
    """A builder giving an export and a --columns mapping."""

    def build(tmp_path):
        (tmp_path / "export.csv").write_text(data, encoding="utf-8")
        (tmp_path / "mapping.yaml").write_text(mapping, encoding="utf-8")
        return ["--data", tmp_path / "export.csv", "--columns", tmp_path / "mapping.yaml"]

    return build


def columns_at(target):
    """A builder giving good data and a --columns path made by ``target(tmp_path)``."""

    def build(tmp_path):
        (tmp_path / "records.csv").write_text(HEADER + GOOD, encoding="utf-8")
        return ["--data", tmp_path / "records.csv", "--columns", target(tmp_path)]

    return build


def loop(tmp_path):
    os.symlink(tmp_path / "loop-b", tmp_path / "loop-a")
    os.symlink(tmp_path / "loop-a", tmp_path / "loop-b")
    return tmp_path / "loop-a"


def folder(tmp_path):
    (tmp_path / "folder").mkdir()
    return tmp_path / "folder"


def laughs():
    return "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )


def mixed(tmp_path):
    (tmp_path / "a.csv").write_text(HEADER + GOOD, encoding="utf-8")
    (tmp_path / "b.csv").write_text("year,applicant_name,published\n2018,Alpha,3\n", encoding="utf-8")
    return ["--data", tmp_path / "a.csv", tmp_path / "b.csv"]


def source(name):
    def build(tmp_path):
        (tmp_path / "records.csv").write_text(HEADER + GOOD, encoding="utf-8")
        return ["--data", tmp_path / "records.csv", "--source", name]

    return build


LONG_NAME = "Alpha " + "X" * 100_000

CASES = [
    # What --data names
    pytest.param(lambda p: ["--data", p / "missing.csv"], 2, ["missing.csv: no such file"], id="missing-file"),
    pytest.param(
        lambda p: ["--data", p / "evil\x1b[31m.csv"],
        2,
        ["evil\\x1b[31m.csv: no file matches"],
        id="escape-in-a-file-name",
    ),
    pytest.param(
        lambda p: ["--data", p / "evil\x1b.csv"], 2, ["evil\\x1b.csv: no such file"], id="escape-in-a-missing-file-name"
    ),
    pytest.param(lambda p: ["--data", folder(p)], 2, ["a folder with no file to read"], id="empty-folder"),
    pytest.param(lambda p: ["--data", ""], 2, ["'': an empty path names no file"], id="empty-path"),
    pytest.param(
        lambda p: ["--data", p / "nothing-*.csv"], 2, ["no file matches this pattern"], id="glob-matching-nothing"
    ),
    pytest.param(text("empty.csv", ""), 2, ["empty.csv: the file is empty"], id="empty-file"),
    pytest.param(text("header.csv", HEADER), 2, ["header.csv: no data rows"], id="header-only"),
    pytest.param(text("data.json", "{}"), 2, ["unsupported file type '.json'"], id="unsupported-type"),
    pytest.param(
        lambda p: ["--data", "/dev/zero"], 2, ["/dev/zero: not a regular file (input)"], id="dev-zero-as-data"
    ),
    pytest.param(
        lambda p: ["--data", loop(p)],
        2,
        ["loop-a: cannot be opened as the input (a loop of symbolic links)"],
        id="symlink-loop-as-data",
    ),
    pytest.param(source("no-such-format"), 2, ["unknown source format 'no-such-format'"], id="unknown-source-format"),
    pytest.param(
        text("other.csv", "id,title,owner\n1,x,y\n"), 2, ["not a format this tool knows"], id="unknown-layout"
    ),
    pytest.param(
        text("escape.csv", "id,ti\x1btle\n1,x\n"), 2, ["not a format this tool knows", "\\x1b"], id="escape-in-a-header"
    ),
    pytest.param(text("noise.csv", bytes(range(256)) * 64), 2, ["noise.csv"], id="binary-noise"),
    pytest.param(text("fake.xlsx", "not a workbook"), 2, ["fake.xlsx: not a readable workbook"], id="fake-workbook"),
    pytest.param(text("fake.zip", "not an archive"), 2, ["fake.zip: not a format this tool knows"], id="fake-zip"),
    pytest.param(mixed, 2, ["mix application-level records and aggregated counts"], id="records-and-counts-mixed"),
    # CSV layout
    pytest.param(
        records("WO2018000002,2018-01-04,Beta,CN,1,extra\n"),
        2,
        ["records.csv line 3: 6 fields where the header has 5"],
        id="extra-field",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Beta,CN\n"),
        2,
        ["records.csv line 3: 4 fields where the header has 5"],
        id="missing-field",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Beta,CN,1,\n"),
        2,
        ["records.csv line 3: 6 fields where the header has 5"],
        id="trailing-empty-field",
    ),
    pytest.param(
        records('WO2018000002,2018-01-04,"Beta\nCorp",CN,1,x\n'),
        2,
        ["records.csv line 3: 6 fields where the header has 5"],
        id="extra-field-on-a-multi-line-row",
    ),
    pytest.param(
        records('WO2018000002,2018-01-04,"Beta,CN,1\n'),
        2,
        ["records.csv line 3: a quoted field is never closed"],
        id="unclosed-quote",
    ),
    pytest.param(
        text(
            "dup.csv",
            "publication_number,publication_date,applicant_name,applicant_name\nWO2018000001,2018-01-04,A,B\n",
        ),
        2,
        ["the header names 'applicant_name' more than once"],
        id="duplicate-header",
    ),
    # The column mapping
    pytest.param(columns_at(folder), 2, ["folder: a folder, not a file (column mapping)"], id="columns-folder"),
    pytest.param(
        columns_at(loop),
        2,
        ["loop-a: cannot be opened as the column mapping (a loop of symbolic links)"],
        id="columns-symlink-loop",
    ),
    pytest.param(
        columns_at(lambda p: "/dev/zero"), 2, ["/dev/zero: not a regular file (column mapping)"], id="columns-dev-zero"
    ),
    pytest.param(mapped(laughs()), 2, ["YAML anchors and aliases are not allowed"], id="billion-laughs"),
    pytest.param(
        mapped(COLUMNS + "date_format: '%d.%m.%Y'\ndate_format: '%Y'\n"),
        2,
        ["the key 'date_format' is given twice"],
        id="key-given-twice",
    ),
    pytest.param(
        mapped(
            "columns: {publication_number: No, publication_date: Date, applicant_name: Name, applicant_country: Name}\n"
        ),
        2,
        ["two fields are mapped to the header 'Name'"],
        id="two-fields-one-header",
    ),
    pytest.param(
        mapped(COLUMNS + "date_format: dd.mm.yyyy\n"),
        2,
        ["date_format 'dd.mm.yyyy' is not a strftime pattern"],
        id="bad-date-format",
    ),
    pytest.param(
        mapped(COLUMNS.replace("}", ", applicant_sequence: Seq}") + "split_applicants: ';'\n"),
        2,
        ["cannot be combined with an applicant_sequence column"],
        id="split-with-sequence",
    ),
    pytest.param(
        mapped(COLUMNS + "header_row: 500\n"), 2, ["export.csv: no header at row 500"], id="header-row-past-the-file"
    ),
    pytest.param(
        mapped(COLUMNS + "encoding: klingon\n"), 2, ["unknown text encoding 'klingon'"], id="unknown-encoding"
    ),
    pytest.param(
        mapped(
            COLUMNS.replace("}", ", applicant_country: Country}") + "split_applicants: ';'\n",
            "No,Date,Name,Country\nWO2018000001,04.01.2018,Alpha;Beta,CN;US;JP\n",
        ),
        2,
        ["line 2, applicant_country: 3 countries for 2 applicants"],
        id="split-countries-out-of-step",
    ),
    # Values
    pytest.param(
        records("WO2018000002,2099-01-04,Beta,CN,1\n"),
        2,
        ["line 3, publication_date: 2099-01-04 is in the future"],
        id="future-date",
    ),
    pytest.param(
        records("WO2018000002,1977-12-31,Beta,CN,1\n"),
        2,
        ["line 3, publication_date: 1977-12-31 is before 1978"],
        id="date-before-1978",
    ),
    pytest.param(
        records("WO2018000002,0001-01-01,Beta,CN,1\n"),
        2,
        ["line 3, publication_date: 0001-01-01 is before 1978"],
        id="year-1",
    ),
    pytest.param(
        records("WO2018000002,1900-01-01,Beta,CN,1\n"),
        2,
        ["line 3, publication_date: 1900-01-01 is before 1978"],
        id="year-1900",
    ),
    pytest.param(
        records("WO2018000002,9999-12-31,Beta,CN,1\n"),
        2,
        ["line 3, publication_date: 9999-12-31 is in the future"],
        id="year-9999",
    ),
    pytest.param(
        mapped(COLUMNS + "date_format: '%d.%m.%y'\n", "No,Date,Name\nWO1977000001,04.07.77,Alpha\n"),
        2,
        ["line 2, publication_date: 1977-07-04 is before 1978"],
        id="two-digit-year-77",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Beta,CN,1.5\n"),
        2,
        ["line 3, applicant_sequence: '1.5' is not a whole number from 1"],
        id="sequence-1.5",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Be\x00ta,CN,1\n"),
        2,
        ["line 3, applicant_name: holds a control character (U+0000)"],
        id="nul-in-a-name",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Be\u0085ta,CN,1\n"),
        2,
        ["line 3, applicant_name: holds a control character (U+0085)"],
        id="c1-in-a-name",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Be\x1b[2Jta,CN,1\n"),
        2,
        ["line 3, applicant_name: holds a control character (U+001B)"],
        id="esc-in-a-name",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Be\u202eta,CN,1\n"),
        2,
        ["line 3, applicant_name: holds a control character (U+202E)"],
        id="rlo-in-a-name",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Beta,WO,1\n"),
        2,
        ["line 3, applicant_country: 'WO' is not an ISO 3166-1"],
        id="country-WO",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Beta,EP,1\n"),
        2,
        ["line 3, applicant_country: 'EP' is not an ISO 3166-1"],
        id="country-EP",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,Beta,ZZ,1\n"),
        2,
        ["line 3, applicant_country: 'ZZ' is not an ISO 3166-1"],
        id="country-ZZ",
    ),
    pytest.param(
        records("WO2018000002,2018-01-04,,CN,1\n"),
        2,
        ["line 3, applicant_name: is empty"],
        id="no-applicant-in-the-canonical-schema",
    ),
    pytest.param(
        records("WO20180000,2018-01-04,Beta,CN,1\n"),
        2,
        ["line 3, publication_number: 'WO20180000' is not a WO publication number"],
        id="short-wo-number",
    ),
    pytest.param(
        text("agg.csv", "year,applicant_name,published\n2018,Alpha,3\n2018,Beta,inf\n"),
        2,
        ["line 3, published: 'inf' is not a count of applications"],
        id="aggregated-inf",
    ),
    pytest.param(
        text("agg.csv", "year,applicant_name,published\n2018,Alpha,3\n2018.5,Beta,2\n"),
        2,
        ["line 3, year: '2018.5' is not a year"],
        id="aggregated-fractional-year",
    ),
    # Accepted, however unusual
    pytest.param(
        records(f"WO2018000002,2018-01-04,{LONG_NAME},CN,1\n"),
        0,
        ["rank", "Alpha University"],
        id="100000-character-name",
    ),
    pytest.param(
        text("utf16.csv", HEADER + "WO2018000001,2018-01-04,M\u00fcller GmbH,DE,1\n", "utf-16-le"),
        0,
        ["Müller GmbH"],
        id="utf-16-without-bom",
    ),
    pytest.param(
        text("macroman.csv", HEADER + "WO2018000001,2018-01-04,Universit\u00e9 de Lyon,FR,1\n", "mac_roman"),
        0,
        ["Université de Lyon"],
        id="mac-roman",
    ),
]


def check(result, status, words):
    """The exit status and the words; for bad input one line on stderr and nothing on stdout;
    never a traceback, never a raw ESC byte or right-to-left override."""
    assert result.returncode == status, result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\u202e" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    shown = result.stderr if status else result.stdout
    for word in words:
        assert word in shown
    if status:
        assert result.stdout == ""
        assert result.stderr.startswith("pct-report: error: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("build, status, words", CASES)
def test_hostile_input_through_the_command_line(tmp_path, build, status, words):
    """The command line on each input, as a user would see it."""
    check(run_cli("rank", "--year", "2018", *build(tmp_path)), status, words)


REAL_PROCESS_CASES = ["escape-in-a-file-name", "mac-roman"]


@pytest.mark.slow  # a second a process; test_cli.py keeps one process in `make test-fast`
@pytest.mark.parametrize("build, status, words", [case for case in CASES if case.id in REAL_PROCESS_CASES])
def test_hostile_input_through_a_process_of_its_own(tmp_path, build, status, words):
    """A few cases in a real `python -m analysis` process: its bytes on the pipes, its exit."""
    check(run_process("rank", "--year", "2018", *build(tmp_path)), status, words)
