import ast
import re
from html import unescape
from pathlib import Path

import jupytext
import nbformat
import pytest

from analysis import notebooks as templates
from analysis.dataset import load_dataset
from analysis.fields import NO_IPC_REASON
from analysis.narrative import headline
from analysis.present import PROVENANCE_MIMETYPE, TABLE_MIMETYPE
from analysis.profile import institution_profile
from analysis.reports import KINDS
from analysis.schema import CARD_MIMETYPE

NOTEBOOKS = templates.template_paths()
FIXTURE = Path(__file__).parent / "fixtures" / "content_records.csv"
HOSTILE = "<script>alert(1)</script>"


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.fixture(params=NOTEBOOKS, ids=lambda path: path.name)
def template(request):
    return request.param


@pytest.fixture
def notebook(template):
    return nbformat.read(template, as_version=4)


def test_the_templates_are_the_registered_ones_only(tmp_path, monkeypatch):
    for name in ["Untitled.ipynb", "scratch/Untitled1.ipynb", *(kind.notebook for kind in KINDS.values())]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    monkeypatch.setattr(templates, "NOTEBOOKS_DIR", tmp_path)
    assert sorted(path.name for path in templates.template_paths()) == [
        "annual_rankings.ipynb",
        "institution_report.ipynb",
    ]


def test_notebooks_are_stored_normalised(template):
    """What `make strip` writes: no outputs, one kernelspec, no cell metadata but tags."""
    stored = template.read_text(encoding="utf-8")
    normalised = nbformat.writes(templates.normalise(nbformat.reads(stored, as_version=4))) + "\n"
    assert stored == normalised


def test_every_template_runs_on_the_projects_one_kernel(notebook):
    assert notebook.metadata.kernelspec == {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    assert notebook.metadata.language_info == {"name": "python"}


def test_normalising_removes_what_jupyterlab_and_papermill_leave(notebook):
    messy = notebook
    messy.metadata.kernelspec = {"name": "pct-report", "display_name": "PCT report (.venv)", "language": "python"}
    messy.metadata.language_info = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    messy.metadata.papermill = {"parameters": {"year": 2019}}
    code = code_cells(messy)[1]
    code.outputs = [nbformat.v4.new_output("stream", text="hello")]
    code.execution_count = 7
    code.metadata = {"scrolled": True, "execution": {"iopub.status.busy": "2026-01-01"}, "tags": ["keep"]}
    clean = templates.normalise(messy)
    assert clean.metadata == {"kernelspec": templates.KERNELSPEC, "language_info": {"name": "python"}}
    assert code.outputs == [] and code.execution_count is None and code.metadata == {"tags": ["keep"]}
    assert [cell.id for cell in clean.cells] == [str(number) for number in range(len(clean.cells))]


def test_each_template_is_in_step_with_its_py_twin(template, notebook):
    twin = templates.twin_path(template)
    assert twin.read_text(encoding="utf-8") == templates.twin_text(notebook), f"run `make strip` to update {twin.name}"
    paired = jupytext.read(twin)
    assert [(cell.cell_type, cell.source) for cell in paired.cells] == [
        (cell.cell_type, cell.source) for cell in notebook.cells
    ]


def test_a_twin_edited_by_hand_is_caught(template, notebook):
    changed = jupytext.reads(templates.twin_text(notebook).replace("top_n = 50", "top_n = 20"), fmt="py:percent")
    assert [cell.source for cell in changed.cells] != [cell.source for cell in notebook.cells]


def test_first_code_cell_holds_the_parameters_as_literals(notebook):
    first = code_cells(notebook)[0]
    assert "parameters" in first.metadata.get("tags", [])
    for statement in ast.parse(first.source).body:
        assert isinstance(statement, ast.Assign) and len(statement.targets) == 1, ast.unparse(statement)
        ast.literal_eval(statement.value)


def test_other_cells_are_thin_calls(notebook):
    for cell in code_cells(notebook)[1:]:
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(
                node, (ast.FunctionDef, ast.Lambda, ast.ClassDef, ast.For, ast.While, ast.ListComp)
            ), cell.source
        assert "open(" not in cell.source and "Path(" not in cell.source, cell.source


def test_sections_are_markdown_headings(notebook):
    headings = [cell.source.splitlines()[0] for cell in notebook.cells if cell.cell_type == "markdown"]
    assert len(headings) >= 4
    assert all(heading.startswith("## ") for heading in headings)
    assert "## Methods and data" in headings


def execute(name, tmp_path, **parameters):
    """Run a template on the fixture in a temporary folder, as a researcher's papermill would.

    No PYTHONPATH: the kernel finds ``analysis`` because the set-up installs it (editable).
    """
    import papermill

    output = tmp_path / name
    papermill.execute_notebook(
        templates.NOTEBOOKS_DIR / name,
        output,
        parameters={"data_path": str(FIXTURE), **parameters},
        cwd=tmp_path,
        progress_bar=False,
    )
    return nbformat.read(output, as_version=4)


def outputs(notebook, mimetype):
    return [
        output.data[mimetype]
        for cell in code_cells(notebook)
        for output in cell.outputs
        if mimetype in output.get("data", {})
    ]


def assert_clean(notebook, tmp_path):
    """No error, no stray text, no raw hostile markup, no temporary path in what the report shows."""
    for cell in code_cells(notebook):
        assert all(output.output_type != "error" for output in cell.outputs), cell.source
        for output in cell.outputs:
            data = output.get("data", {})
            assert "text/html" in data or set(data) == {CARD_MIMETYPE, "image/png"}, (cell.source, output)  # no repr
    html = "".join(outputs(notebook, "text/html"))
    assert HOSTILE not in html
    assert str(tmp_path) not in html
    provenance = outputs(notebook, PROVENANCE_MIMETYPE)[0]
    assert (
        provenance["inputs"][0]["path"] == "tests/fixtures/content_records.csv"
        and provenance["counting"] == "first-named"
    )
    return html


def text_of(html):
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.slow
def test_institution_report_tells_the_story(tmp_path):
    notebook = execute("institution_report.ipynb", tmp_path, year=2018)
    html = assert_clean(notebook, tmp_path)
    profile = institution_profile(load_dataset(FIXTURE), "Dalian University of Technology", 2018)
    assert headline(profile) in text_of(html)
    assert (
        '<h1 class="title"><bdi>Dalian University of Technology</bdi>: PCT applications published in 2018</h1>' in html
    )
    assert html.count('<figure class="chart">') == 2
    names = [table["name"] for table in outputs(notebook, TABLE_MIMETYPE)]
    # The fixture carries no IPC codes: no field table, and one line that says why.
    assert names == [
        "trend",
        "sector_top",
        "country_sector_top",
        "peers",
        "partnership_share",
        "partner_sectors",
        "partners",
        "sources",
    ]
    assert NO_IPC_REASON in text_of(html)
    assert len(outputs(notebook, CARD_MIMETYPE)) == 1


@pytest.mark.slow
def test_annual_rankings_show_every_section(tmp_path):
    notebook = execute("annual_rankings.ipynb", tmp_path, year=2018, country="CN")
    html = assert_clean(notebook, tmp_path)
    assert '<h1 class="title">PCT rankings 2018</h1>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('<figure class="chart">') == 3
    tables = {table["name"]: table for table in outputs(notebook, TABLE_MIMETYPE)}
    assert list(tables) == [
        "top_applicants",
        "top_education",
        "all_education",
        "top_education_country",
        "sector_shares",
        "country_shares",
        "co_applications",
        "university_business",
        "movers",
        "sources",
    ]
    assert NO_IPC_REASON in text_of(html)
    assert "rank_overall" in tables["top_education"]["columns"]
    # Every educational institution of the year, searchable offline, its scripts marked for the renderer.
    everyone = load_dataset(FIXTURE).ranked.query("year == 2018 and sector == 'education'")
    assert len(tables["all_education"]["data"]) == len(everyone)
    assert html.count('<div class="pct-searchable">') == 1
    assert all("data-pct-offline" in tag for tag in re.findall(r"<script\b[^>]*>", html))
