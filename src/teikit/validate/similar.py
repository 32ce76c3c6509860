"""The closest name to a misspelt one, for did-you-mean hints: difflib's answer, computed faster.

`difflib.get_close_matches(word, names, n=1, cutoff)` measures every candidate with
`quick_ratio`, a per-character loop in Python, before the exact `ratio`. A play has thousands
of ids, so hints for its broken pointers cost more than checking them. `closest` filters with
the same bounds in the same order (length, then the size of the multiset of shared characters,
counted with `str.count` per distinct letter of the word, about twice as fast) and ranks the
survivors by `ratio` exactly as difflib does, so it returns what `get_close_matches(...)[0]` does.
Before the shared multiset it tries a bound computed for all candidates at once (`_within_bound`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher


def closest(word: str, candidates: Iterable[str], cutoff: float) -> str:
    """difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)[0], or "" when none is close."""
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    size = len(word)
    letters = list(Counter(word).items())
    best: tuple[float, str] | None = None
    for candidate in _within_bound(word, list(candidates), cutoff):
        total = size + len(candidate)
        shared = 0  # quick_ratio: the characters the two have in common, as multisets
        for letter, count in letters:
            found = candidate.count(letter)
            shared += found if found < count else count
        if 2.0 * shared / total < cutoff:
            continue
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score >= cutoff and (best is None or (score, candidate) > best):
            best = (score, candidate)
    return best[1] if best else ""


def _within_bound(word: str, candidates: list[str], cutoff: float) -> list[str]:
    """The candidates that pass real_quick_ratio and a bound of quick_ratio computed for all of them
    in a few C calls: the characters two strings share are at most the candidate's characters that
    occur in the word at all (what is left of the candidates joined by newlines once a regular
    expression has deleted every other character)."""
    size = len(word)
    joined = "\n".join(candidates)
    inside = None
    if word and "\n" not in word:
        others = re.compile("[^\n" + "".join(re.escape(c) for c in set(word)) + "]+")
        counts = list(map(len, others.sub("", joined).split("\n")))
        if len(counts) == len(candidates):  # no candidate holds a newline of its own
            inside = counts
    if inside is None:
        inside = [len(c) for c in candidates]
    found = []
    for candidate, within in zip(candidates, inside, strict=True):
        total = size + len(candidate)
        if not total:
            continue
        if 2.0 * min(size, len(candidate), within) / total >= cutoff:  # real_quick_ratio and the bound
            found.append(candidate)
    return found
