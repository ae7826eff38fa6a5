"""Benchmarks of issue 5: each figure is a ratio against a baseline measured in the same run.

``python -m benchmarks`` (``make bench``) prints the table and writes ``benchmarks/RESULTS.md``
with the machine's description. Inputs and rendered reports go to ``benchmarks/work/``
(gitignored). The package is outside the default test run: nothing under tests/ imports it.
"""
