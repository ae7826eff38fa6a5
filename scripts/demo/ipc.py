"""IPC symbols of the synthetic publications: 1 to 4 per publication, drawn so that the fields
of technology they fall in (WIPO's IPC–technology concordance) have about the shares WIPO
publishes, universities leaning to the life sciences and materials, companies to their kind."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import DemoCalibrationError
from analysis.fields import read_concordance

FIELD_SHARES = {
    "Digital communication": 8.5,
    "Computer technology": 8.2,
    "Electrical machinery, apparatus, energy": 6.9,
    "Medical technology": 6.8,
    "Measurement": 4.4,
    "Pharmaceuticals": 4.5,
    "Biotechnology": 3.9,
    "Transport": 3.4,
    "Organic fine chemistry": 3.3,
    "Semiconductors": 3.0,
    "Audio-visual technology": 3.0,
    "Other special machines": 2.9,
    "Control": 2.6,
    "Telecommunications": 2.6,
    "Optics": 2.5,
    "Handling": 2.5,
    "Civil engineering": 2.4,
    "IT methods for management": 2.3,
    "Basic materials chemistry": 2.3,
    "Chemical engineering": 2.3,
    "Engines, pumps, turbines": 2.2,
    "Macromolecular chemistry, polymers": 2.1,
    "Furniture, games": 2.1,
    "Mechanical elements": 2.0,
    "Materials, metallurgy": 1.9,
    "Other consumer goods": 1.9,
    "Surface technology, coating": 1.8,
    "Machine tools": 1.8,
    "Thermal processes and apparatus": 1.7,
    "Food chemistry": 1.5,
    "Environmental technology": 1.3,
    "Analysis of biological materials": 1.1,
    "Textile and paper machines": 1.1,
    "Basic communication processes": 0.9,
    "Micro-structural and nano-technology": 0.2,
}
"""Percent of published PCT applications by field. The first five are WIPO's 2016 figures;
the others are plausible values in the same order as WIPO's tables, not published figures."""

TILTS = {
    "ict": {
        "Digital communication": 3,
        "Computer technology": 3,
        "Telecommunications": 2.5,
        "Audio-visual technology": 2,
        "Semiconductors": 2,
        "Basic communication processes": 2,
    },
    "electric": {"Electrical machinery, apparatus, energy": 3, "Control": 2, "Semiconductors": 1.5, "Measurement": 1.5},
    "manufacturing": {
        "Machine tools": 3,
        "Handling": 2.5,
        "Transport": 2.5,
        "Mechanical elements": 2.5,
        "Engines, pumps, turbines": 2,
        "Other special machines": 2,
        "Textile and paper machines": 2,
    },
    "medical": {"Medical technology": 4, "Pharmaceuticals": 2},
    "laboratories": {
        "Pharmaceuticals": 3,
        "Biotechnology": 3,
        "Organic fine chemistry": 3,
        "Analysis of biological materials": 3,
        "Food chemistry": 1.5,
    },
    "diversified": {},
    "research": {
        "Pharmaceuticals": 2.5,
        "Biotechnology": 3.5,
        "Measurement": 2,
        "Analysis of biological materials": 3,
        "Materials, metallurgy": 2,
        "Micro-structural and nano-technology": 3,
        "Organic fine chemistry": 1.5,
    },
    "inventor": {
        "Furniture, games": 3,
        "Other consumer goods": 3,
        "Medical technology": 2,
        "Civil engineering": 2.5,
        "Transport": 1.5,
        "Handling": 1.5,
    },
}
"""How each kind of applicant leans away from the overall shares (a factor per field)."""

BUSINESS_KINDS = {
    "Electric": "electric",
    "Technology": "ict",
    "Manufacturing": "manufacturing",
    "Medical": "medical",
    "International": "diversified",
    "Laboratories": "laboratories",
    "Electronics": "ict",
}
SECTOR_KINDS = {"education": "research", "government": "research", "other": "research", "individual": "inventor"}
PRINTED_KIND = "ict"
"""WIPO's printed top applicants are nearly all telecommunications and electronics firms."""

KINDS = tuple(TILTS)
SYMBOL_COUNTS = (0.35, 0.3, 0.2, 0.15)
"""Chance of 1, 2, 3 or 4 IPC symbols on a publication."""
SAME_FIELD = 0.7
"""Chance that a further symbol falls in the publication's main field."""
VOCABULARY = 240
"""Symbols drawn once per field, from which every publication's symbols are taken."""
MAIN_GROUPS = np.arange(1, 50, 2)
SUBGROUPS = np.array(
    [
        "00",
        "02",
        "04",
        "06",
        "08",
        "10",
        "12",
        "14",
        "16",
        "18",
        "20",
        "22",
        "24",
        "26",
        "28",
        "30",
        "32",
        "34",
        "36",
        "38",
        "40",
        "44",
        "48",
        "53",
        "232",
    ]
)
"""Main groups (for a pattern that gives only the subclass) and subgroups of the drawn symbols."""


def field_symbols(rng):
    """Draw VOCABULARY symbols per field in the ordinary form ('G01N 33/53') from the
    concordance's patterns; returns (field names in FIELD_SHARES order, symbols, an array
    of shape fields × VOCABULARY indexing them)."""
    concordance = read_concordance()
    names = dict(zip(concordance.fields["field_number"], concordance.fields["field"], strict=True))
    fields = list(FIELD_SHARES)
    if sorted(fields) != sorted(names.values()):
        raise DemoCalibrationError(f"FIELD_SHARES does not name the concordance's {len(names)} fields")
    by_field = {name: [] for name in fields}
    for prefix, number in sorted(concordance.prefixes.items()):
        by_field[names[number]].append(prefix)
    symbols = []
    for name in fields:
        prefixes = np.array(by_field[name])[rng.integers(0, len(by_field[name]), VOCABULARY)]
        groups = rng.choice(MAIN_GROUPS, VOCABULARY)
        subgroups = rng.choice(SUBGROUPS, VOCABULARY)
        for prefix, group, subgroup in zip(prefixes, groups, subgroups, strict=True):
            main = int(prefix[4:].strip().rstrip("/")) if len(prefix) > 4 else group
            symbols.append(f"{prefix[:4]} {main}/{subgroup}")
    return fields, symbols, np.arange(len(symbols)).reshape(len(fields), VOCABULARY)


def kind_profiles(fields, volumes):
    """Field probabilities of each kind of applicant: the overall shares times the kind's
    tilt, then raked field by field so that the kinds, weighted by their ``volumes``
    (publications per kind, in KINDS order), add up to the overall shares again."""
    overall = np.array([FIELD_SHARES[f] for f in fields]) / sum(FIELD_SHARES.values())
    profiles = np.array([[TILTS[kind].get(f, 1.0) for f in fields] for kind in KINDS]) * overall
    weights = np.asarray(volumes, float) / np.sum(volumes)
    for _ in range(50):
        profiles /= profiles.sum(axis=1, keepdims=True)
        profiles *= overall / (weights @ profiles)
    return profiles / profiles.sum(axis=1, keepdims=True)


def draw_ipc(kinds, rng):
    """IPC symbols of each publication, given the kind (index into KINDS) of its first-named
    applicant; returns a pyarrow string array, symbols separated by ';'."""
    fields, symbols, vocabulary = field_symbols(rng)
    profiles = kind_profiles(fields, np.bincount(kinds, minlength=len(KINDS)))
    size = len(kinds)
    drawn = np.empty((size, 4), np.int64)
    for kind in range(len(KINDS)):
        mine = np.flatnonzero(kinds == kind)
        cumulative = np.cumsum(profiles[kind])
        picked = np.searchsorted(cumulative, rng.random((len(mine), 4)) * cumulative[-1])
        drawn[mine] = np.minimum(picked, len(fields) - 1)
    main, further = drawn[:, 0], drawn[:, 1:]
    field = np.column_stack([main, np.where(rng.random((size, 3)) < SAME_FIELD, main[:, None], further)])
    start, step = rng.integers(0, VOCABULARY, size), rng.integers(1, VOCABULARY // 4, size)
    within = (start[:, None] + np.arange(4) * step[:, None]) % VOCABULARY
    within = np.where(field == main[:, None], within, rng.integers(0, VOCABULARY, (size, 4)))
    counts = rng.choice(len(SYMBOL_COUNTS), size=size, p=SYMBOL_COUNTS) + 1
    chosen = vocabulary[field, within][np.arange(4) < counts[:, None]]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lists = pa.ListArray.from_arrays(pa.array(offsets), pc.take(pa.array(symbols, pa.string()), pa.array(chosen)))
    return pc.binary_join(lists, ";")
