"""Harmonise applicant names: normalise spellings, apply the reviewed alias table, and list
likely variants that are still unmerged so that a person can review them.

Nothing is merged on a guess: normalisation only removes differences that never tell two
applicants apart (case, punctuation, spacing, common abbreviations, corporate suffixes), and
every other merge is a row in ``data/mappings/applicant_aliases.csv``.
"""

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from analysis.errors import MappingError
from analysis.mappings import read_mapping

ABBREVIATIONS = {
    "UNIV": "UNIVERSITY",
    "UNIVERSITAET": "UNIVERSITAT",
    "TECH": "TECHNOLOGY",
    "TECHNOL": "TECHNOLOGY",
    "INST": "INSTITUTE",
    "NATL": "NATIONAL",
    "NAT": "NATIONAL",
    "SCI": "SCIENCE",
    "RES": "RESEARCH",
    "ELEC": "ELECTRIC",
    "ELECTR": "ELECTRONICS",
    "INTL": "INTERNATIONAL",
    "MFG": "MANUFACTURING",
    "LAB": "LABORATORY",
    "LABS": "LABORATORIES",
    "DEPT": "DEPARTMENT",
    "ASSOC": "ASSOCIATION",
    "CTR": "CENTER",
    "CENTRE": "CENTER",
    "MED": "MEDICAL",
    "&": "AND",
}
"""Token-wise expansions applied after upper-casing and splitting on punctuation."""

CORPORATE_SUFFIXES = frozenset(
    {
        "AB", "AG", "AS", "ASA", "BV", "CO", "COMPANY", "CORP", "CORPORATION", "GMBH", "INC",
        "INCORPORATED", "KABUSHIKI", "KAISHA", "KG", "KK", "LIMITED", "LLC", "LLP", "LP", "LTD",
        "NV", "OY", "OYJ", "PLC", "PTE", "PTY", "SA", "SAS", "SE", "SL", "SPA", "SRL", "CV",
    }
)
"""Legal-form words dropped wherever they trail a name, in any order ("CO LTD" = "LTD CO")."""

_SEPARATORS = re.compile(r"[\s.,;:/\\'\"`´’‘“”()\[\]{}!?*+=_|<>~^-]+")


def normalise_name(raw):
    """Return the comparison key of an applicant name: equal keys are the same applicant.

    Upper-cased after Unicode NFKC folding (so full-width letters match), accents kept
    apart from their letters only for comparison, punctuation treated as spaces,
    abbreviations expanded and trailing corporate suffixes dropped. Names written in
    scripts without case (中文, 日本語) pass through with only spacing normalised.
    """
    text = str(raw).upper()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).upper()
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = text.replace("&", " & ")
    tokens = [ABBREVIATIONS.get(token, token) for token in _SEPARATORS.split(text) if token]
    if tokens and tokens[0] == "THE":
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in CORPORATE_SUFFIXES:
        tokens.pop()
    key = " ".join(tokens)
    return key or " ".join(str(raw).split()).upper()


@dataclass(frozen=True)
class Alias:
    raw_name: str
    canonical_name: str
    note: str


def read_aliases(path):
    """Read the reviewed alias table (columns raw_name, canonical_name, note)."""
    aliases = []
    for line, row in read_mapping(path, "alias table"):
        raw, canonical = row.get("raw_name", ""), row.get("canonical_name", "")
        if not raw or not canonical:
            raise MappingError(f"{path} line {line}: raw_name and canonical_name are both required")
        aliases.append(Alias(raw, canonical, row.get("note", "")))
    return aliases


def _display_preference(name):
    """Sort key that prefers a properly cased, unabbreviated spelling as the display name."""
    tokens = _SEPARATORS.split(unicodedata.normalize("NFKC", name).upper())
    abbreviated = any(token in ABBREVIATIONS and token not in ("&", "CENTRE") for token in tokens)
    return (name == name.upper() and name != name.lower(), abbreviated)


@dataclass(frozen=True)
class NameMap:
    """How every raw name in the data maps to one canonical applicant.

    ``table`` has columns applicant_name (raw, as in the data), key (its normalised
    form), group (the key after aliases, shared by all names of one applicant) and
    applicant (canonical display name). ``unused_aliases`` lists alias rows that matched
    no name in the data, so that a reviewer sees stale entries.
    """

    table: pd.DataFrame
    aliases: tuple
    unused_aliases: tuple

    def key_to_applicant(self):
        """Return a dict from any known spelling's normalised key to its applicant, for look-ups."""
        applicants = self.table["applicant"].tolist()
        lookup = dict(zip(self.table["group"].tolist(), applicants))
        lookup.update(zip(self.table["key"].tolist(), applicants))
        for alias in self.aliases:
            applicant = lookup.get(normalise_name(alias.canonical_name))
            if applicant is not None:
                lookup.setdefault(normalise_name(alias.raw_name), applicant)
        return lookup


def build_name_map(raw_names, aliases):
    """Map raw names to canonical applicants.

    Parameters
    ----------
    raw_names : DataFrame with columns applicant_name and rows (how often it occurs).
    aliases : list of Alias.

    Names sharing a normalised key form one applicant; an alias joins its key to the
    canonical name's key. The display name is the alias table's canonical name where one
    applies, else the best spelling in the data: properly cased, unabbreviated, then most
    frequent, then alphabetical. Plain lists and dicts rather than pandas: there is one
    entry per distinct spelling, and most applicants have only one.
    """
    names = raw_names["applicant_name"].tolist()
    rows = raw_names["rows"].tolist()
    keys = [normalise_name(name) for name in names]
    alias_key = {normalise_name(a.raw_name): normalise_name(a.canonical_name) for a in aliases}
    groups = [alias_key.get(key, key) for key in keys]
    members = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    display = {}
    for group, indices in members.items():
        if len(indices) > 1:
            indices = [min(indices, key=lambda i: (*_display_preference(names[i]), -rows[i], names[i]))]
        display[group] = names[indices[0]]
    display.update({normalise_name(a.canonical_name): a.canonical_name for a in aliases if normalise_name(a.canonical_name) in display})
    present_keys = set(keys)
    unused = tuple(a for a in aliases if normalise_name(a.raw_name) not in present_keys)
    table = pd.DataFrame(
        {"applicant_name": names, "key": keys, "group": groups, "applicant": [display[g] for g in groups]},
        columns=["applicant_name", "key", "group", "applicant"],
    ).astype("str")
    return NameMap(table, tuple(aliases), unused)


def _close_pairs(keys, threshold):
    """Yield index pairs (i < j) of distinct keys whose similarity reaches the threshold."""
    from rapidfuzz import fuzz, process

    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=threshold, workers=1)
    for i, j in zip(*(scores > 0).nonzero()):
        if i < j:
            yield int(i), int(j), float(scores[i, j])


BLOCK_LETTERS = 4
"""Names are compared only with names sharing their first or their last four letters."""


def likely_variants(applicants, threshold=90.0, limit=200):
    """List pairs of canonical applicants whose names are close enough to be one.

    Parameters
    ----------
    applicants : DataFrame with columns applicant and published (its total).

    Returns a DataFrame with columns applicant, variant, score, published, variant_published,
    best first, for a person to review and, where right, add to the alias table. Names are
    compared within blocks that share their first or their last letters (two passes, so a
    difference at either end is still found), so 100,000 names take seconds, not all pairs.
    """
    names = applicants[["applicant", "published"]].reset_index(drop=True)
    keys = names["applicant"].map(normalise_name).str.replace(" ", "", regex=False)
    found = {}
    for block in (keys.str[:BLOCK_LETTERS], keys.str[-BLOCK_LETTERS:]):
        for _, members in keys.groupby(block, sort=False):
            if len(members) < 2:
                continue
            positions = members.index.to_numpy()
            for i, j, score in _close_pairs(members.tolist(), threshold):
                found[(positions[i], positions[j])] = score
    rows = [
        {
            "applicant": names.at[a, "applicant"],
            "variant": names.at[b, "applicant"],
            "score": round(score, 1),
            "published": names.at[a, "published"],
            "variant_published": names.at[b, "published"],
        }
        for (a, b), score in found.items()
    ]
    result = pd.DataFrame(rows, columns=["applicant", "variant", "score", "published", "variant_published"])
    result = result.sort_values(["score", "applicant", "variant"], ascending=[False, True, True])
    return result.head(limit).reset_index(drop=True)
