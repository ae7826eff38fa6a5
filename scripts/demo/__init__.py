"""The demo data generator, a tool of the repository (``make data``), not of the package.

It writes synthetic PCT publications built around the figures WIPO printed: every
educational-institution and top-applicant row of ``data/published`` is planted exactly,
synthetic applicants fill the ranks between the printed ones and live from year to year
with bounded growth, and the project's own loading, counting and ranking must reproduce
every printed rank before the file is put in place. See data/README.md.
"""
