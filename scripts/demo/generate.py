"""Generate the demo data and put it in place only once it reproduces every printed figure."""

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis.dataset import load_dataset
from analysis.hashing import file_sha256
from analysis.paths import DEMO_DATA
from analysis.published import read_published_figures
from scripts.demo.calibration import check_published_ranks, year_volumes
from scripts.demo.ipc import BUSINESS_KINDS, KINDS, PRINTED_KIND, SECTOR_KINDS
from scripts.demo.names import (
    NAME_IDS,
    business_words,
    check_names,
    number_identities,
    spell_all,
    unclassified,
)
from scripts.demo.panel import History, Identities, plan_year, shapes_of, year_synthetic
from scripts.demo.records import Publications, assemble, year_publications

GENERATOR_VERSION = "2"
DEMO_SEED = 20190319
"""WIPO published its 2018 PCT figures on 19 March 2019."""

ROW_GROUP_SIZE = 1 << 19
"""Fixed, so that the file's layout does not depend on pyarrow's defaults."""


def year_by_year(figures, seed, progress):
    """Draw every year's first-named applicants, each synthetic one carried from the year
    before. Returns (applicants, identities, rng): one row per (year, applicant) with
    columns year, identity (-1 for a printed applicant), name (printed ones only),
    country, sector, provenance, published; and the Identities drawn."""
    rng = np.random.default_rng(seed)
    identities, years, history = Identities(), [], None
    for year in sorted(year_volumes(figures)):
        plan = plan_year(figures, year, history is None, rng)
        synthetic = year_synthetic(plan, history, identities, rng)
        history = History(plan, synthetic, history.shapes if history else shapes_of(synthetic))
        planted = plan.planted.assign(identity=-1)
        synthetic_rows = synthetic.assign(provenance="synthetic", name=None)
        years.append(pd.concat([planted, synthetic_rows], ignore_index=True).assign(year=year))
        progress(f"{year}: {plan.volume:,} publications, {len(years[-1]):,} first-named applicants")
    return pd.concat(years, ignore_index=True), identities, rng


def name_applicants(applicants, identities, figures):
    """Number and spell the synthetic applicants; add NAME_IDS, unclassified and kind
    (index into ipc.KINDS) to ``applicants``; return (applicants, names)."""
    table = pd.DataFrame({"sector": identities.sector, "country": identities.country})
    synthetic = (applicants["identity"] >= 0).to_numpy()
    ids = applicants.loc[synthetic, "identity"].to_numpy()
    table["numbers"] = number_identities(table, np.bincount(ids, applicants.loc[synthetic, "published"], len(table)))
    planted_names = applicants.loc[~synthetic, "name"]
    names, planted_ids, synthetic_ids = spell_all(table, table["numbers"].to_numpy(), planted_names)
    check_names(names, synthetic_ids, figures)
    name_ids = np.full((len(applicants), len(NAME_IDS)), -1, np.int64)
    name_ids[synthetic] = synthetic_ids[ids]
    name_ids[~synthetic, 0] = applicants.loc[~synthetic, "name"].map(planted_ids).to_numpy()
    numbers = np.zeros(len(applicants), np.int64)
    numbers[synthetic] = table["numbers"].to_numpy()[ids]
    kinds = applicants["sector"].map(SECTOR_KINDS).fillna(PRINTED_KIND).to_numpy(object)
    companies = synthetic & (applicants["sector"] == "business").to_numpy()
    kinds[companies] = pd.Series(business_words(numbers[companies])).map(BUSINESS_KINDS).to_numpy()
    named = applicants.assign(
        kind=pd.Series(kinds).map({k: i for i, k in enumerate(KINDS)}).to_numpy(),
        unclassified=synthetic & unclassified(applicants["sector"], numbers),
    )
    named[NAME_IDS] = name_ids
    return named, names


def build_records(figures, seed, progress):
    """Generate the whole table in memory: one row per publication and applicant.

    Columns: publication_number, publication_date, applicant_name, applicant_country,
    applicant_sequence, applicant_sector, provenance, ipc; sorted by publication, then sequence.
    """
    applicants, identities, rng = year_by_year(figures, seed, progress)
    applicants, names = name_applicants(applicants, identities, figures)
    batches, offset = [], 0
    for year, rows in applicants.groupby("year", sort=True):
        batches.append(year_publications(rows, year, offset, rng))
        offset += len(rows)
    return assemble(applicants, names, Publications.concatenate(batches), rng)


def sidecar_path(output_path):
    """Where the checksum sidecar of a demo file lives."""
    output_path = Path(output_path)
    return output_path.with_name(output_path.name + ".sha256.json")


def generate_demo(output_path=DEMO_DATA, seed=DEMO_SEED, progress=None):
    """Write the demo Parquet and its checksum sidecar; return the Parquet's path.

    The file is written beside the target, checked with the project's own load, count and
    rank against every printed figure, and only then moved into place. ``progress``, if
    given, receives one line of text per step.
    """
    progress = progress or (lambda message: None)
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    figures = read_published_figures()
    table = build_records(figures, seed, progress)
    partial = output_path.with_name(f".{output_path.stem}.partial.parquet")
    try:
        pq.write_table(table, partial, row_group_size=ROW_GROUP_SIZE, compression="zstd")
        progress(f"checking {table.num_rows:,} rows against the published table")
        # No cache entry: one under the temporary name would serve no one.
        check_published_ranks(load_dataset(partial, cache=False), figures)
        os.replace(partial, output_path)
    finally:
        partial.unlink(missing_ok=True)
    sidecar = {
        "file": output_path.name,
        "sha256": file_sha256(output_path),
        "rows": table.num_rows,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
    }
    sidecar_path(output_path).write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return output_path
