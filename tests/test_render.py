"""Rendering one report from the small fixture notebooks in tests/fixtures/notebooks."""

import base64
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import zlib
from pathlib import Path

import nbformat
import pytest
import weasyprint
from openpyxl import load_workbook
from PIL import Image

from analysis.errors import OptionError, ReportError
from analysis.export_html import drop_scripts, to_html
from analysis.render import ReportJob, render_report
from analysis.tables import csv_cell, write_tables

pytestmark = pytest.mark.slow  # executes notebooks

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"


def render(reports_dir, **fields):
    job = ReportJob(**{"kind": "institution", "year": 2018, "institution": "Example University", **fields})
    return render_report(job, reports_dir, NOTEBOOKS)


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "publications.csv"
    path.write_text("publication_number,applicant_name\nWO2018000001,Example University\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, data_file):
    return render(tmp_path_factory.mktemp("reports"), data_path=str(data_file))


@pytest.fixture(scope="module")
def page(built):
    return built.html.read_text(encoding="utf-8")


def test_report_folder_holds_every_output(built):
    assert built.folder.name.startswith("example-university-") and built.folder.parent.name == "2018"
    for name in (
        "report.ipynb",
        "report.html",
        "report.pdf",
        "tables.xlsx",
        "manifest.json",
        "tables/top-applicants.csv",
        "card.png",
    ):
        assert (built.folder / name).is_file(), name
    assert built.pdf.read_bytes().startswith(b"%PDF")


def test_the_share_card_is_written_beside_the_report_and_not_shown_on_it(built, page):
    """The notebook shows the card (JupyterLab draws its PNG); the report page leaves it out."""
    card = (built.folder / "card.png").read_bytes()
    with Image.open(io.BytesIO(card)) as image:
        assert image.format == "PNG" and image.size == (120, 63)  # the fixture's stand-in card
    assert base64.b64encode(card)[:400].decode() not in page
    assert page.count("<img") == page.count('<figure class="chart">')


def test_html_shows_no_code_parameters_prompts_or_warnings(page):
    assert 'institution = "Example University"' not in page
    assert "Parameters" not in page and "injected" not in page
    assert "raise ValueError" not in page and "display(" not in page
    assert "In [" not in page and "Out[" not in page
    assert "a warning nobody should see" not in page
    assert "A printed line" in page


def test_title_and_contents_come_from_the_notebook(page):
    assert "<title>Example University</title>" in page
    contents = page[page.index('<nav aria-label="Contents"') : page.index("</nav>")]
    anchors = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', contents)
    assert [text for _, text in anchors] == ["Where it ranks", "Over the years", "Method"]
    for anchor, _ in anchors:
        assert f'id="{anchor}"' in page


def test_html_loads_nothing_and_runs_nothing(page):
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'src="data:image/png;base64,' in page


def test_table_rows_keep_their_highlight_and_number_classes(page):
    assert '<tr class="highlight"><td class="num">1</td><td>Example University</td>' in page


def test_tables_are_written_as_csv(built):
    with open(built.folder / "tables" / "top-applicants.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["rank", "applicant", "published"]
    assert rows[2] == ["2", "大连理工大学", "95"]


def test_tables_are_written_as_xlsx(built):
    sheet = load_workbook(built.folder / "tables.xlsx")["top-applicants"]
    assert [cell.value for cell in sheet[3]] == [2, "大连理工大学", 95]


def test_manifest_records_how_the_report_was_made(built, data_file):
    manifest = json.loads((built.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"] == {
        "year": 2018,
        "data_path": str(data_file.resolve()),
        "column_map": None,
        "counting": "first-named",
        "top_n": 50,
        "institution": "Example University",
    }
    assert manifest["inputs"] == [
        {"path": "publications.csv", "sha256": hashlib.sha256(data_file.read_bytes()).hexdigest()}
    ]
    assert manifest["counting"] == "first-named"
    assert manifest["report"]["title"] == "Example University"
    assert manifest["code_version"]["analysis"] and manifest["code_version"]["git"]
    assert manifest["packages"]["papermill"] and manifest["packages"]["weasyprint"]
    template = NOTEBOOKS / "institution_report.ipynb"
    assert manifest["notebook_template"]["sha256"] == hashlib.sha256(template.read_bytes()).hexdigest()
    assert manifest["notebook_template"]["uncommitted_edits"] in (True, False)
    assert set(manifest["timings"]) == {"execute", "html", "pdf", "tables", "total"}
    assert manifest["built"].endswith("+00:00")


def test_same_inputs_give_byte_identical_html(built, data_file, tmp_path):
    again = render(tmp_path / "elsewhere", data_path=str(data_file))
    assert again.html.read_bytes() == built.html.read_bytes()


def test_failed_build_keeps_its_notebook_and_the_earlier_report(tmp_path):
    good = render(tmp_path)
    before = good.html.read_bytes()
    with pytest.raises(ReportError) as caught:
        render(tmp_path, top_n=0)
    message = str(caught.value)
    assert "\n" not in message
    assert 'institution report "Example University" for 2018' in message
    assert "ValueError: top_n must be at least 1, not 0" in message
    failed = ReportJob("institution", 2018, "Example University").failed_folder(tmp_path) / "report.ipynb"
    assert str(failed) in message
    assert "top_n must be at least 1" in failed.read_text(encoding="utf-8")
    assert good.html.read_bytes() == before
    assert [p.name for p in (tmp_path / "2018").iterdir() if not p.name.endswith(".lock")] == [good.folder.name]
    render(tmp_path)
    assert not failed.exists()


def test_a_chosen_country_and_another_counting_rule_get_their_own_folders():
    assert ReportJob("annual", 2018).slug == "annual-rankings"
    assert ReportJob("annual", 2018, country="JP").slug == "annual-rankings-jp"
    default = ReportJob("institution", 2018, "Example University").slug
    assert ReportJob("institution", 2018, "Example University", counting="fractional").slug == f"{default}-fractional"


@pytest.mark.parametrize(
    "names",
    [
        ("X & Y University", "X Y University", "x y university"),
        ("A" * 200 + " University", "A" * 200 + " College"),
        ("..", "!!!", "???", "."),
    ],
)
def test_names_that_slugify_alike_get_their_own_folders(names):
    slugs = [ReportJob("institution", 2018, name).slug for name in names]
    assert len(set(slugs)) == len(names)
    assert all(len(slug.encode()) <= 100 and not slug.startswith(".") for slug in slugs)


def test_folder_names_keep_chinese_japanese_and_korean_readable():
    for name in ("清华大学", "東京大学", "서울대학교"):
        slug = ReportJob("institution", 2018, name).slug
        assert slug.startswith(f"{name}-") and "/" not in slug
    assert ReportJob("institution", 2018, "Ｔｏｋｙｏ　大学").slug.startswith("tokyo-大学-")  # NFKC


def test_annual_report_takes_its_title_from_the_first_heading(tmp_path):
    outcome = render_report(ReportJob("annual", 2018), tmp_path, NOTEBOOKS)
    page = outcome.html.read_text(encoding="utf-8")
    assert outcome.folder == tmp_path / "2018" / "annual-rankings"
    assert "<title>PCT rankings</title>" in page
    assert page.count("PCT rankings</h1>") == 1  # moved to the masthead, not repeated
    assert sorted(p.name for p in (outcome.folder / "tables").iterdir()) == [
        "top-applicants-2.csv",
        "top-applicants.csv",
    ]


@pytest.mark.skipif(
    "Noto Sans CJK" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout,
    reason="no CJK font installed",
)
def test_pdf_embeds_a_cjk_font_for_chinese_names(built):
    # The font names sit in compressed object streams.
    streams = re.findall(rb"stream\r?\n(.*?)endstream", built.pdf.read_bytes(), re.S)
    objects = b"".join(zlib.decompressobj().decompress(stream) for stream in streams)
    assert b"Noto-Sans-CJK" in objects


def test_missing_notebook_template_is_one_line(tmp_path):
    job = ReportJob("institution", 2018, "Example University")
    with pytest.raises(ReportError, match=r"^[^\n]*does not exist$"):
        render_report(job, tmp_path / "reports", tmp_path)


def test_no_name_leaves_the_reports_folder(tmp_path):
    for name in ("../../x", "/etc/passwd", "..", ".hidden", "a/../../b"):
        folder = ReportJob("institution", 2018, name).folder(tmp_path).resolve()
        assert folder.parent == (tmp_path / "2018").resolve()
        assert not folder.name.startswith(".") and "/" not in folder.name


def test_job_rejects_unknown_kind_counting_and_empty_institution():
    for fields in ({"kind": "weekly"}, {"counting": "half"}, {"institution": "  "}):
        with pytest.raises(OptionError):
            ReportJob(**{"kind": "institution", "year": 2018, "institution": "X", **fields})


def test_each_kind_gets_only_its_own_parameters():
    assert "country" not in ReportJob("institution", 2018, "X", country="CN").parameters()
    assert ReportJob("annual", 2018, country="CN").parameters()["country"] == "CN"


def _page(*cells):
    notebook = nbformat.v4.new_notebook(cells=list(cells))
    return to_html(notebook, {"title": "<b>R&D</b>", "kicker": "", "subtitle": "", "facts": []})


def _html_cell(markup):
    output = nbformat.v4.new_output("display_data", data={"text/html": markup, "text/plain": ""})
    return nbformat.v4.new_code_cell("", outputs=[output])


def test_outline_prefers_the_displayed_title_and_lists_markdown_headings():
    page, outline = _page(
        nbformat.v4.new_markdown_cell("# Markdown title"),
        _html_cell('<h1 class="title">A &amp; B</h1><p class="subtitle">2018</p><h2>Not from markdown</h2>'),
        nbformat.v4.new_markdown_cell("## One *two*\n\ntext\n\n#### Too deep"),
    )
    assert (outline["title_html"], outline["title_text"], outline["subtitle_html"]) == ("A &amp; B", "A & B", "2018")
    assert outline["entries"] == [
        {"level": 1, "id": "Markdown-title", "text": "Markdown title"},
        {"level": 2, "id": "One-two", "text": "One two"},
    ]
    assert page.count("A &amp; B</h1>") == 1 and '<h1 class="title">' not in page
    for entry in outline["entries"]:
        assert f'id="{entry["id"]}"' in page


def test_outline_takes_a_leading_markdown_heading_as_title_else_the_default():
    page, outline = _page(nbformat.v4.new_markdown_cell("# R&D ranks\n\n## Section"))
    assert outline["title_text"] == "R&D ranks" and [e["text"] for e in outline["entries"]] == ["Section"]
    assert page.count("R&amp;D ranks</h1>") == 1
    page, outline = _page(nbformat.v4.new_markdown_cell("Text first\n\n# Not a title"))
    assert outline["title_html"] is None and "<title>&lt;b&gt;R&amp;D&lt;/b&gt;</title>" in page


def test_only_inline_scripts_marked_offline_survive():
    kept = '<script data-pct-offline type="module">table()</script>'
    fragment = (
        f'{kept}<SCRIPT>alert(1)</SCRIPT><script data-pct-offline src="https://cdn.example/x.js"></script>'
        "<script data-pct-offline-not>x()</script><script>unterminated"
    )
    assert drop_scripts(fragment) == kept


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    assert [csv_cell(v) for v in ("=SUM(A1)", "+1+1", "-2+3", "@cmd", "\tx", "\rx")] == [
        "'=SUM(A1)", "'+1+1", "'-2+3", "'@cmd", "'\tx", "'\rx",
    ]  # fmt: skip
    assert [csv_cell(v) for v in (-5, 2.5, "-5", "+1.5e3", "Example University", None)] == [
        -5,
        2.5,
        "-5",
        "+1.5e3",
        "Example University",
        None,
    ]


def test_table_files_and_sheets_have_safe_unique_names(tmp_path):
    long = "a-very-long-table-name-that-excel-would-refuse-as-a-sheet"
    tables = [
        {"name": "../escape", "caption": "", "columns": ["name"], "data": [["=HYPERLINK(1)"]]},
        {"name": "sector_top", "caption": "", "columns": ["n"], "data": [[0]]},
        {"name": long, "caption": "", "columns": ["n"], "data": [[1]]},
        {"name": long, "caption": "", "columns": ["n"], "data": [[2]]},
    ]
    written = write_tables(tables, tmp_path)
    assert [item["csv"] for item in written] == [
        "tables/escape.csv", "tables/sector_top.csv", f"tables/{long}.csv", f"tables/{long}-2.csv",
    ]  # fmt: skip
    workbook = load_workbook(tmp_path / "tables.xlsx")
    assert all(len(name) <= 31 for name in workbook.sheetnames) and len(set(workbook.sheetnames)) == 4
    cell = workbook["escape"]["A2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"
    with open(tmp_path / "tables" / "escape.csv", encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [["name"], ["'=HYPERLINK(1)"]]


def boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def test_a_wide_table_fits_the_printed_page():
    # As wide as the content's widest table: long headers, a long name, five-digit counts.
    years = [str(year) for year in range(2014, 2019)]
    columns = [
        "Rank",
        "Applicant",
        "Country",
        *years,
        "Change on 2017",
        "Places gained since 2017",
        "Rank among all applicants",
    ]
    row = '<tr><td class="num">1</td><td>' + "Unbreakable-applicant-name-" * 3 + "</td><td>CN</td>"
    row += '<td class="num">12,345</td>' * (len(columns) - 3) + "</tr>"
    head = "".join(f'<th class="num">{column}</th>' for column in columns)
    table = f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{row * 30}</tbody></table>'
    output = nbformat.v4.new_output("display_data", data={"text/html": table, "text/plain": ""})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[output])])
    report = {"title": "Wide", "kicker": "", "subtitle": "", "facts": []}
    page, _ = to_html(notebook, report)
    for printed in weasyprint.HTML(string=page).render().pages:
        sheet = printed._page_box
        right = sheet.content_box_x() + sheet.width
        widest = max(box.position_x + box.margin_width() for box in boxes(sheet) if box is not sheet)
        assert widest <= right + 0.5


def test_a_report_over_its_time_limit_fails_and_keeps_the_earlier_one(tmp_path):
    good = render(tmp_path / "reports")
    before = good.html.read_bytes()
    slow = nbformat.read(NOTEBOOKS / "institution_report.ipynb", as_version=4)
    slow.cells.insert(2, nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(slow, tmp_path / "institution_report.ipynb")
    job = ReportJob("institution", 2018, "Example University")
    with pytest.raises(ReportError, match=r"^[^\n]*time limit of 3 s[^\n]*kept at") as caught:
        render_report(job, tmp_path / "reports", tmp_path, timeout=3)
    assert str(job.failed_folder(tmp_path / "reports") / "report.ipynb") in str(caught.value)
    assert good.html.read_bytes() == before


def test_a_report_from_other_data_is_replaced_only_when_asked(tmp_path, data_file):
    other = tmp_path / "other.csv"
    other.write_text(data_file.read_text(encoding="utf-8") + "WO2018000002,Example University\n", encoding="utf-8")
    first = render(tmp_path / "reports", data_path=str(data_file))
    before = (first.folder / "manifest.json").read_bytes()
    with pytest.raises(
        ReportError, match=r"^[^\n]*built from other data \(publications\.csv[^\n]*--output DIR[^\n]*--replace$"
    ):
        render(tmp_path / "reports", data_path=str(other))
    assert (first.folder / "manifest.json").read_bytes() == before
    job = ReportJob("institution", 2018, "Example University", data_path=str(other))
    render_report(job, tmp_path / "reports", NOTEBOOKS, replace=True)
    manifest = json.loads((first.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(other.read_bytes()).hexdigest()
    assert not [
        p.name for p in first.folder.parent.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")
    ]


def test_report_folders_and_files_follow_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        built = render(tmp_path / "reports")
    finally:
        os.umask(previous)
    for path in [tmp_path / "reports", *(tmp_path / "reports").rglob("*")]:
        expected = 0o755 if path.is_dir() else 0o644
        assert path.stat().st_mode & 0o777 == expected, path
    assert (built.folder / "tables").is_dir()


def test_a_parameter_the_notebook_does_not_take_is_refused(tmp_path):
    with pytest.raises(ReportError, match=r"^[^\n]*institution_report.ipynb takes no parameter source$"):
        render(tmp_path, source="lens")
    assert not (tmp_path / "2018").exists() or not any(
        p for p in (tmp_path / "2018").iterdir() if not p.name.endswith(".lock")
    )
