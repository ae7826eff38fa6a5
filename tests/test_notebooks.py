import ast
import os
from html import escape
from pathlib import Path

import nbformat
import pytest

from analysis.dataset import load_dataset
from analysis.narrative import headline
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from analysis.present import PROVENANCE_MIMETYPE, TABLE_MIMETYPE
from analysis.profile import institution_profile

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
FIXTURE = Path(__file__).parent / "fixtures" / "content_records.csv"
HOSTILE = "<script>alert(1)</script>"


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.fixture(params=NOTEBOOKS, ids=lambda path: path.name)
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_there_are_report_notebooks():
    assert {path.name for path in NOTEBOOKS} >= {"institution_report.ipynb", "annual_rankings.ipynb"}


def test_notebooks_are_stored_without_outputs(notebook):
    for cell in code_cells(notebook):
        assert cell.outputs == [] and cell.execution_count is None, cell.source


def test_first_code_cell_holds_the_parameters_as_literals(notebook):
    first = code_cells(notebook)[0]
    assert "parameters" in first.metadata.get("tags", [])
    for statement in ast.parse(first.source).body:
        assert isinstance(statement, ast.Assign) and len(statement.targets) == 1, ast.unparse(statement)
        ast.literal_eval(statement.value)


def test_other_cells_are_thin_calls(notebook):
    for cell in code_cells(notebook)[1:]:
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.Lambda, ast.ClassDef, ast.For, ast.While, ast.ListComp)), cell.source
        assert "open(" not in cell.source and "Path(" not in cell.source, cell.source


def test_sections_are_markdown_headings(notebook):
    headings = [cell.source.splitlines()[0] for cell in notebook.cells if cell.cell_type == "markdown"]
    assert len(headings) >= 4
    assert all(heading.startswith("## ") for heading in headings)
    assert "## Methods and data" in headings


def execute(name, tmp_path, monkeypatch, **parameters):
    """Run a notebook on the fixture in a temporary folder and return the executed notebook."""
    import papermill

    # The kernel imports the project from the checkout, installed or not.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])))
    output = tmp_path / name
    papermill.execute_notebook(
        NOTEBOOKS_DIR / name, output, parameters={"data_path": str(FIXTURE), **parameters},
        cwd=tmp_path, kernel_name="python3", progress_bar=False,
    )
    return nbformat.read(output, as_version=4)


def outputs(notebook, mimetype):
    return [output.data[mimetype] for cell in code_cells(notebook) for output in cell.outputs if mimetype in output.get("data", {})]


def assert_clean(notebook, tmp_path):
    """No error, no raw hostile markup, no temporary path in what the report shows."""
    for cell in code_cells(notebook):
        assert all(output.output_type != "error" for output in cell.outputs), cell.source
    html = "".join(outputs(notebook, "text/html"))
    assert HOSTILE not in html
    assert str(tmp_path) not in html
    assert outputs(notebook, PROVENANCE_MIMETYPE)[0]["inputs"][0]["path"] == "tests/fixtures/content_records.csv"
    return html


@pytest.mark.slow
def test_institution_report_tells_the_story(tmp_path, monkeypatch):
    notebook = execute("institution_report.ipynb", tmp_path, monkeypatch, year=2018)
    html = assert_clean(notebook, tmp_path)
    profile = institution_profile(load_dataset(FIXTURE), "Dalian University of Technology", 2018)
    assert escape(headline(profile)) in html
    assert '<h1 class="title">Dalian University of Technology: PCT applications published in 2018</h1>' in html
    assert html.count('<figure class="chart">') == 2
    assert "清华大学" in html
    names = [table["name"] for table in outputs(notebook, TABLE_MIMETYPE)]
    assert names == ["trend", "sector_top", "country_sector_top", "peers", "sources"]


@pytest.mark.slow
def test_annual_rankings_show_every_section(tmp_path, monkeypatch):
    notebook = execute("annual_rankings.ipynb", tmp_path, monkeypatch, year=2018, country="CN")
    html = assert_clean(notebook, tmp_path)
    assert '<h1 class="title">PCT rankings 2018</h1>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('<figure class="chart">') == 3
    names = [table["name"] for table in outputs(notebook, TABLE_MIMETYPE)]
    assert names == [
        "top_applicants", "top_education", "top_education_country", "sector_shares", "country_shares", "movers", "sources",
    ]
    education = outputs(notebook, TABLE_MIMETYPE)[1]
    assert "rank_overall" in education["columns"]
