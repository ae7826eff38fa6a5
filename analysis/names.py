"""Harmonise applicant names: normalise spellings, apply the reviewed alias table, and list
likely variants that are still unmerged so that a person can review them.

Nothing is merged on a guess: normalisation only removes differences that never tell two
applicants apart (case, punctuation, spacing, common abbreviations, corporate suffixes), and
every other merge is a row in ``data/mappings/applicant_aliases.csv``.
"""

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
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
        "AB",
        "AG",
        "AKTIENGESELLSCHAFT",
        "AS",
        "ASA",
        "BV",
        "CO",
        "COMPANY",
        "CORP",
        "CORPORATION",
        "GMBH",
        "INC",
        "INCORPORATED",
        "KABUSHIKI",
        "KAISHA",
        "KG",
        "KK",
        "LIMITED",
        "LLC",
        "LLP",
        "LP",
        "LTD",
        "NV",
        "OY",
        "OYJ",
        "PLC",
        "PTE",
        "PTY",
        "SA",
        "SARL",
        "SAS",
        "SE",
        "SL",
        "SPA",
        "SRL",
        "CV",
    }
)
"""Legal-form words dropped wherever they trail a name, in any order ("CO LTD" = "LTD CO"), also
when written letter by letter ("S. A.", "B.V.", "A/S", "L.L.C.")."""

CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "유한회사",
)
"""Legal forms of Chinese, Japanese and Korean names, dropped at either end of the name
(株式会社日立製作所 = 日立製作所株式会社); longest first, so that 股份有限公司 is not cut at
有限公司."""

_CJK_ABBREVIATIONS = {"(株)": "株式会社", "(주)": "주식회사"}
"""Bracketed one-character forms (㈱ and ㈜ become these under NFKC)."""

_SEPARATORS = re.compile(r"[\s.,;:/\\'\"`´’‘“”()\[\]{}!?*+=_|<>~^-]+")
_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_SPACE = re.compile(f" (?=[{_CJK}])|(?<=[{_CJK}]) ")
"""A space next to a Han, kana or Hangul character: such names are not spelled with fixed spacing
(삼성전자 주식회사 = 삼성전자주식회사)."""
_CJK_LEGAL_FORM_ENDS = re.compile("^(?:{0})+|(?:{0})+$".format("|".join(CJK_LEGAL_FORMS)))
_LATIN_ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def _latin_accents():
    """Map accented Latin letters to their bases; other scripts keep their marks (ガ is not カ,
    Й is not И, and Hangul syllables stay composed)."""
    table = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(ch for ch in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(ch))
        if base != chr(code):
            table[code] = base
    return table


_LATIN_ACCENTS = _latin_accents()


def _without_legal_forms(tokens):
    """Drop trailing legal-form tokens; a name made only of legal forms keeps them all."""
    kept = list(tokens)
    while len(kept) > 1:
        if kept[-1] in CORPORATE_SUFFIXES:
            kept.pop()
            continue
        if len(kept[-1]) != 1:
            break
        for width in (3, 2):
            letters = kept[-width:]
            if len(kept) > width and all(len(t) == 1 for t in letters) and "".join(letters) in CORPORATE_SUFFIXES:
                del kept[-width:]
                break
        else:
            break
    return tokens if kept[-1] in CORPORATE_SUFFIXES else kept


def normalise_name(raw):
    """Return the comparison key of an applicant name: equal keys are the same applicant.

    Upper-cased after Unicode NFKC folding (so full-width letters and brackets match),
    accents dropped from Latin letters only for comparison, punctuation treated as spaces,
    abbreviations expanded, a leading THE or KABUSHIKI KAISHA and trailing legal forms dropped.
    Names in Han, kana or Hangul keep their characters; spaces next to them are dropped and so
    are their legal forms at either end (株式会社, 주식회사, 有限公司 …).
    """
    text = str(raw).upper()
    cjk = False
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).upper()
        if _LATIN_ACCENTED.search(text):
            text = text.translate(_LATIN_ACCENTS)
        cjk = _CJK_CHAR.search(text) is not None
        if cjk and "(" in text:
            for short, form in _CJK_ABBREVIATIONS.items():
                text = text.replace(short, f" {form} ")
    text = text.replace("&", " & ")
    tokens = [ABBREVIATIONS.get(token, token) for token in _SEPARATORS.split(text) if token]
    if tokens and tokens[0] == "THE":
        tokens = tokens[1:]
    if len(tokens) > 2 and tokens[0] == "KABUSHIKI" and tokens[1] == "KAISHA":
        tokens = tokens[2:]
    if tokens and (tokens[-1] in CORPORATE_SUFFIXES or len(tokens[-1]) == 1):
        tokens = _without_legal_forms(tokens)
    key = " ".join(tokens)
    if cjk:
        key = _CJK_SPACE.sub("", key)
        key = _CJK_LEGAL_FORM_ENDS.sub("", key) or key
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
        lookup = dict(zip(self.table["group"].tolist(), applicants, strict=False))
        lookup.update(zip(self.table["key"].tolist(), applicants, strict=False))
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
    display.update(
        {
            normalise_name(a.canonical_name): a.canonical_name
            for a in aliases
            if normalise_name(a.canonical_name) in display
        }
    )
    present_keys = set(keys)
    unused = tuple(a for a in aliases if normalise_name(a.raw_name) not in present_keys)
    table = pd.DataFrame(
        {"applicant_name": names, "key": keys, "group": groups, "applicant": [display[g] for g in groups]},
        columns=["applicant_name", "key", "group", "applicant"],
    ).astype("str")
    return NameMap(table, tuple(aliases), unused)


BLOCK_LETTERS = 4
"""Names are compared only with names sharing their first or their last four letters."""

BLOCK_MAX = 1000
"""A larger block is split by its next four letters (or the four before), so that memory and
time stay bounded where many names share a beginning ("UNIVERSITY OF …", "SHENZHEN …")."""

STOP_WORDS = frozenset({"OF", "THE", "AND", "FOR"})
"""Words left out when comparing which words two names are made of."""


def _blocks(keys, from_end):
    """Yield lists of indices of keys sharing their first (or last) letters, more of them for
    big blocks."""
    pending = [(list(range(len(keys))), BLOCK_LETTERS)]
    while pending:
        indices, letters = pending.pop()
        groups = {}
        for i in indices:
            groups.setdefault(keys[i][-letters:] if from_end else keys[i][:letters], []).append(i)
        for members in groups.values():
            if len(members) > BLOCK_MAX and any(len(keys[i]) > letters for i in members):
                pending.append((members, letters + BLOCK_LETTERS))
            elif len(members) > 1:
                yield members


def _same_words(keys):
    """Yield index pairs (i < j) of keys made of the same words once OF, THE, AND, FOR are left out
    ("UNIVERSITY DALIAN TECHNOLOGY" and "DALIAN UNIVERSITY OF TECHNOLOGY")."""
    bags = {}
    for index, key in enumerate(keys):
        bags.setdefault(" ".join(sorted(w for w in key.split() if w not in STOP_WORDS)), []).append(index)
    for members in bags.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                yield i, j


class _BestPairs:
    """The best ``limit`` pairs found so far, so that names that are all alike (a family of
    synthetic or numbered names) never pile up millions of pairs.

    Rows of ``pairs`` are (a, b, score, same_words) with a < b positions; "best" is score
    descending, then the names' alphabetical order; a pair found twice keeps its "same words" row.
    """

    def __init__(self, names, threshold, limit):
        self.order = np.argsort(np.argsort(np.asarray(names, dtype=object), kind="stable"))
        self.threshold, self.limit = threshold, limit
        self.pairs = np.zeros((0, 4))

    @property
    def floor(self):
        """The lowest score that can still enter the list."""
        return self.pairs[-1, 2] if len(self.pairs) >= self.limit > 0 else self.threshold

    def add(self, a, b, score, same_words):
        """Merge pairs given as arrays; a must be less than b."""
        found = np.column_stack([a, b, score, np.full(len(a), float(same_words))])
        pairs = np.vstack([self.pairs, found[found[:, 2] >= self.floor]])
        pairs = pairs[np.lexsort((-pairs[:, 3], pairs[:, 1], pairs[:, 0]))]
        repeated = np.zeros(len(pairs), bool)
        repeated[1:] = (pairs[1:, 0] == pairs[:-1, 0]) & (pairs[1:, 1] == pairs[:-1, 1])
        pairs = pairs[~repeated]
        first, second = pairs[:, 0].astype(int), pairs[:, 1].astype(int)
        self.pairs = pairs[np.lexsort((self.order[second], self.order[first], -pairs[:, 2]))][: self.limit]


def _add_close_pairs(best, keys, members):
    """Add the pairs of one block whose similarity reaches both the threshold and the list's floor."""
    from rapidfuzz import fuzz, process

    texts = [keys[m] for m in members]
    cutoff = best.floor
    # rapidfuzz drops scores within about 1e-5 above its cutoff: ask for a little less, filter exactly.
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=cutoff - 0.01, dtype=np.float64, workers=1)
    i, j = np.nonzero((scores > 0) & (scores >= cutoff))
    i, j = i[i < j], j[i < j]
    if len(i):
        positions = np.asarray(members)
        best.add(positions[i], positions[j], scores[i, j], same_words=False)


def likely_variants(applicants, threshold=90.0, limit=200):
    """List pairs of canonical applicants whose names are close enough to be one.

    Parameters
    ----------
    applicants : DataFrame with columns applicant and published (its total).

    Returns a DataFrame with columns applicant, variant, match, score, published,
    variant_published, best first, for a person to review and, where right, add to the alias
    table or the registry. ``match`` is "same words" where both names are made of the same
    words in another order or with OF/THE/AND/FOR (score 100; "UNIV DALIAN TECH" and "Dalian
    University of Technology"), else "spelling" with the similarity of the normalised
    names. Spellings are compared within blocks that share their first or their last letters
    (two passes, so a difference at either end is still found), so 100,000 names take
    seconds, not all pairs. Nothing is merged.
    """
    names = applicants[["applicant", "published"]].reset_index(drop=True)
    keys = [normalise_name(name) for name in names["applicant"].tolist()]
    best = _BestPairs(names["applicant"].tolist(), threshold, limit)
    same = np.array(list(_same_words(keys)), dtype=int).reshape(-1, 2)
    best.add(same[:, 0], same[:, 1], np.full(len(same), 100.0), same_words=True)
    joined = [key.replace(" ", "") for key in keys]
    for from_end in (False, True):
        for members in _blocks(joined, from_end):
            _add_close_pairs(best, joined, members)
    a, b = best.pairs[:, 0].astype(int), best.pairs[:, 1].astype(int)
    return pd.DataFrame(
        {
            "applicant": names["applicant"].to_numpy()[a],
            "variant": names["applicant"].to_numpy()[b],
            "match": np.where(best.pairs[:, 3] == 1, "same words", "spelling"),
            "score": best.pairs[:, 2].round(1),
            "published": names["published"].to_numpy()[a],
            "variant_published": names["published"].to_numpy()[b],
        }
    )
