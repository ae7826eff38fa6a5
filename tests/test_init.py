import subprocess
import sys

import analysis


def test_import_analysis_loads_none_of_the_heavy_modules():
    code = (
        "import sys, analysis; "
        "print(sorted(m for m in ('pandas', 'duckdb', 'matplotlib', 'analysis.present') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_every_public_name_is_importable_from_the_front_door():
    assert set(analysis.__all__) == {"__version__", *analysis._EXPORTS}
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None, name
    assert analysis.present.table is analysis.present.table and callable(analysis.load_dataset)


def test_the_package_docstring_example_runs(tmp_path, monkeypatch):
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "content_records.csv"
    example = analysis.__doc__.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    code = "\n".join(line[4:] for line in example.splitlines()).replace(
        "load_dataset()", f"load_dataset({str(fixture)!r})"
    )
    namespace = {}
    exec(code, namespace)  # noqa: S102 - the package's own documented example
    assert namespace["profile"].institution == "Dalian University of Technology"
