"""The manifest: whether the notebook had uncommitted edits, and reading it back safely."""

import hashlib
import subprocess

from analysis.manifest import data_checksum, read_manifest, template_state


def git(folder, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=folder, check=True, capture_output=True
    )


def test_template_state_says_whether_git_shows_uncommitted_edits(tmp_path):
    template = tmp_path / "report.ipynb"
    template.write_text("{}", encoding="utf-8")
    assert template_state(template)["uncommitted_edits"] is None  # not in a checkout
    git(tmp_path, "init", "-q")
    assert template_state(template)["uncommitted_edits"] is True  # never committed
    git(tmp_path, "add", "report.ipynb")
    git(tmp_path, "commit", "-q", "-m", "template")
    assert template_state(template) == {
        "path": "report.ipynb",
        "sha256": hashlib.sha256(b"{}").hexdigest(),
        "uncommitted_edits": False,
    }
    template.write_text('{"cells": []}', encoding="utf-8")
    assert template_state(template)["uncommitted_edits"] is True


def test_a_missing_or_half_written_manifest_reads_as_none(tmp_path):
    assert read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text('{"report": {"ti', encoding="utf-8")
    assert read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text('["not", "a", "manifest"]', encoding="utf-8")
    assert read_manifest(tmp_path) is None


def test_the_data_of_a_report_is_its_first_input():
    assert (
        data_checksum({"inputs": [{"path": "a.csv", "sha256": "aa"}, {"path": "aliases.csv", "sha256": "bb"}]}) == "aa"
    )
    assert data_checksum({"inputs": []}) is None and data_checksum({}) is None
