"""Harmonise applicant names: normalise spellings and apply the reviewed alias table
(analysis.variants lists the likely variants still unmerged, for a person to review).

Nothing is merged on a guess: normalisation only removes differences that never tell two
applicants apart (case, punctuation, spacing, common abbreviations, corporate suffixes), and
every other merge is a row in ``data/mappings/applicant_aliases.csv``.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from analysis.errors import MappingError
from analysis.mappings import read_mapping
from analysis.paths import StrPath

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
_ASCII_SEPARATORS = bytes(32 if _SEPARATORS.fullmatch(chr(code)) else code for code in range(256))
"""_SEPARATORS as a byte table: an ASCII name (most names) is split by translating its
separators to spaces, a third faster than the regex, into the same words (tested)."""
_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_SPACE = re.compile(f" (?=[{_CJK}])|(?<=[{_CJK}]) ")
"""A space next to a Han, kana or Hangul character: such names are not spelled with fixed spacing
(삼성전자 주식회사 = 삼성전자주식회사)."""
_CJK_LEGAL_FORM_ENDS = re.compile("^(?:{0})+|(?:{0})+$".format("|".join(CJK_LEGAL_FORMS)))
_LATIN_ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def _latin_accents() -> dict[int, str]:
    """Map accented Latin letters to their bases; other scripts keep their marks (ガ is not カ,
    Й is not И, and Hangul syllables stay composed)."""
    table = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(ch for ch in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(ch))
        if base != chr(code):
            table[code] = base
    return table


_LATIN_ACCENTS = _latin_accents()


def _without_legal_forms(tokens: list[str]) -> list[str]:
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


def _tokens(text: str) -> list[str]:
    """The words of ``text`` between separators."""
    if text.isascii():
        return text.encode().translate(_ASCII_SEPARATORS).decode().split()
    return [token for token in _SEPARATORS.split(text) if token]


def normalise_name(raw: object) -> str:
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
    tokens = [ABBREVIATIONS.get(token, token) for token in _tokens(text)]
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


def read_aliases(path: StrPath) -> list[Alias]:
    """Read the reviewed alias table (columns raw_name, canonical_name, note)."""
    aliases = []
    for line, row in read_mapping(path, "alias table"):
        raw, canonical = row.get("raw_name", ""), row.get("canonical_name", "")
        if not raw or not canonical:
            raise MappingError(f"{path} line {line}: raw_name and canonical_name are both required")
        aliases.append(Alias(raw, canonical, row.get("note", "")))
    return aliases


_ABBREVIATED = frozenset(ABBREVIATIONS) - {"&", "CENTRE"}
"""Tokens that make a spelling abbreviated (& and CENTRE are spelled out)."""


def _display_preference(name: str) -> tuple[bool, bool]:
    """Sort key that prefers a properly cased, unabbreviated spelling as the display name."""
    tokens = _tokens(unicodedata.normalize("NFKC", name).upper())
    return (name == name.upper() and name != name.lower(), not _ABBREVIATED.isdisjoint(tokens))


@dataclass(frozen=True)
class NameMap:
    """How every raw name in the data maps to one canonical applicant.

    ``table`` has columns applicant_name (raw, as in the data), key (its normalised
    form), group (the key after aliases, shared by all names of one applicant) and
    applicant (canonical display name). ``unused_aliases`` lists alias rows that matched
    no name in the data, so that a reviewer sees stale entries. ``lookup`` maps any known
    spelling's normalised key to its applicant.
    """

    table: pd.DataFrame
    aliases: tuple[Alias, ...]
    unused_aliases: tuple[Alias, ...]
    lookup: dict[str, str]

    def key_to_applicant(self) -> dict[str, str]:
        """Return a dict from any known spelling's normalised key to its applicant, for look-ups."""
        return dict(self.lookup)


def build_name_map(raw_names: pd.DataFrame, aliases: list[Alias]) -> NameMap:
    """Map raw names to canonical applicants.

    Parameters
    ----------
    raw_names : DataFrame with columns applicant_name and rows (how often it occurs).
    aliases : list of Alias.

    Names sharing a normalised key form one applicant; an alias joins its key to the
    canonical name's key. The display name is the alias table's canonical name where one
    applies, else the best spelling in the data: properly cased, unabbreviated, then most
    frequent, then alphabetical. Plain lists and dicts rather than pandas: there is one
    entry per distinct spelling, and most applicants have only one, so only the groups of
    several spellings are gathered.
    """
    names = raw_names["applicant_name"].tolist()
    rows = raw_names["rows"].tolist()
    keys = [normalise_name(name) for name in names]
    alias_key = {normalise_name(a.raw_name): normalise_name(a.canonical_name) for a in aliases}
    groups = [alias_key.get(key, key) for key in keys]
    display = dict(zip(groups, names, strict=True))
    shared = {group for group, count in Counter(groups).items() if count > 1}
    members = {}
    for index, group in enumerate(groups):
        if group in shared:
            members.setdefault(group, []).append(index)
    for group, indices in members.items():
        display[group] = names[min(indices, key=lambda i: (*_display_preference(names[i]), -rows[i], names[i]))]
    display.update(
        {
            normalise_name(a.canonical_name): a.canonical_name
            for a in aliases
            if normalise_name(a.canonical_name) in display
        }
    )
    present_keys = set(keys)
    unused = tuple(a for a in aliases if normalise_name(a.raw_name) not in present_keys)
    applicants = [display[g] for g in groups]
    table = pd.DataFrame(
        {"applicant_name": names, "key": keys, "group": groups, "applicant": applicants},
        columns=["applicant_name", "key", "group", "applicant"],
    ).astype("str")
    return NameMap(table, tuple(aliases), unused, _lookup(keys, groups, applicants, aliases))


def _lookup(keys: list[str], groups: list[str], applicants: list[str], aliases: list[Alias]) -> dict[str, str]:
    """A dict from any known spelling's normalised key (of the data or of an alias that
    applies) to its applicant."""
    lookup = dict(zip(groups, applicants, strict=True))
    lookup.update(zip(keys, applicants, strict=True))
    for alias in aliases:
        applicant = lookup.get(normalise_name(alias.canonical_name))
        if applicant is not None:
            lookup.setdefault(normalise_name(alias.raw_name), applicant)
    return lookup
