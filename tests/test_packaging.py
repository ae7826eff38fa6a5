"""The set-up's sources of truth agree: pins, Makefile targets, CI and README."""

import re
import subprocess
import tomllib

import yaml

from analysis.paths import PROJECT_ROOT


def test_environment_yml_lists_the_same_pins_as_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert {line for line in pip_section if not line.startswith("-")} == pinned
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.]*", pin) for pin in pinned)


def test_make_help_lists_every_target():
    listed = subprocess.run(["make", "-s", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY: (.+)$", makefile, re.M).group(1).split()
    for target in phony:
        assert re.search(rf"make {re.escape(target)}\s", listed), f"make help does not list {target}"


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make report" in readme and "make test" in readme
    assert re.search(r"^make test$", ci, re.M)
