"""Fuzzy matching of applicant names: likely variants still unmerged, listed for a person
to review (`pct-report variants`), and the closest names for a helpful error message.

Nothing here merges anything: merges are rows of the reviewed alias table or the registry.
"""

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from analysis.names import normalise_name

BLOCK_LETTERS = 4
"""Names are compared only with names sharing their first or their last four letters."""

BLOCK_MAX = 1000
"""A larger block is split by its next four letters (or the four before), so that memory and
time stay bounded where many names share a beginning ("UNIVERSITY OF …", "SHENZHEN …")."""

STOP_WORDS = frozenset({"OF", "THE", "AND", "FOR"})
"""Words left out when comparing which words two names are made of."""


def _blocks(keys: Sequence[str], from_end: bool) -> Iterator[list[int]]:
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


def _same_words(keys: Sequence[str]) -> Iterator[tuple[int, int]]:
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

    def __init__(self, names: Sequence[str], threshold: float, limit: int) -> None:
        self.order = np.argsort(np.argsort(np.asarray(names, dtype=object), kind="stable"))
        self.threshold, self.limit = threshold, limit
        self.pairs = np.zeros((0, 4))

    @property
    def floor(self) -> float:
        """The lowest score that can still enter the list."""
        return self.pairs[-1, 2] if len(self.pairs) >= self.limit > 0 else self.threshold

    def add(self, a: np.ndarray, b: np.ndarray, score: np.ndarray, same_words: bool) -> None:
        """Merge pairs given as arrays; a must be less than b."""
        found = np.column_stack([a, b, score, np.full(len(a), float(same_words))])
        pairs = np.vstack([self.pairs, found[found[:, 2] >= self.floor]])
        pairs = pairs[np.lexsort((-pairs[:, 3], pairs[:, 1], pairs[:, 0]))]
        repeated = np.zeros(len(pairs), bool)
        repeated[1:] = (pairs[1:, 0] == pairs[:-1, 0]) & (pairs[1:, 1] == pairs[:-1, 1])
        pairs = pairs[~repeated]
        first, second = pairs[:, 0].astype(int), pairs[:, 1].astype(int)
        self.pairs = pairs[np.lexsort((self.order[second], self.order[first], -pairs[:, 2]))][: self.limit]


def _add_close_pairs(best: _BestPairs, keys: Sequence[str], members: list[int]) -> None:
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


def likely_variants(applicants: pd.DataFrame, threshold: float = 90.0, limit: int = 200) -> pd.DataFrame:
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


def closest_names(candidates: Iterable[str], name: str, limit: int = 5) -> list[str]:
    """The candidates most like ``name``, best first, for a helpful error message."""
    from rapidfuzz import fuzz, process

    matches = process.extract(
        normalise_name(name),
        list(candidates),
        scorer=fuzz.WRatio,
        processor=normalise_name,
        limit=limit,
        score_cutoff=60,
    )
    return [match for match, _, _ in matches]
