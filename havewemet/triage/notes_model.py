"""The note reader: a small linear model that labels what a stranger wrote.

A note (or a headline) is read as any of :data:`LABELS`: self-promotion or a sales
pitch, job seeking, connection collecting, recruiting, a stock or bare greeting,
or a personal note that names a shared context. The model is one logistic
regression per label over word unigrams and bigrams and the character 3- to
5-grams inside each word (diacritics folded, links, e-mail addresses and phone
numbers turned into tokens of their own), so that it reads English, French,
German and Spanish alike and the forms of a word it has not seen.

The weights ship with the package (``data/notes_model.npz``); ``bench/train_notes.py``
rebuilds them from havewemet's own labelled notes (``bench/data/notes_labelled.csv``)
and the SMS Spam Collection (CC BY 4.0). Scoring is plain Python and numpy: the
same text always gets the same scores, with no scikit-learn at run time. Each
word's part of a score is kept, so a label explains itself by the words that
weighed most (:meth:`NoteReading.why`).

Examples:
    >>> r = read_note("Check out my channel and subscribe! https://bit.ly/x")
    >>> r.top() in LABELS
    True
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from io import BytesIO

import numpy as np
import numpy.typing as npt

#: What the reader can tell about a note, in this order (the model's columns).
LABELS: tuple[str, ...] = (
    "pitch",
    "job_seeking",
    "collector",
    "recruiter",
    "stock",
    "personal",
)
#: The labels that make a note unwanted (``havewemet eval notes`` scores their maximum).
UNWANTED: tuple[str, ...] = ("pitch", "job_seeking", "collector", "recruiter")
#: In the user's words, for explanations.
DESCRIPTIONS: dict[str, str] = {
    "pitch": "self-promotion or a sales pitch",
    "job_seeking": "job seeking",
    "collector": "collecting connections",
    "recruiter": "a recruiter's approach",
    "stock": "a stock greeting",
    "personal": "a personal note naming a shared context",
}

URL = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|ly|me|"
    r"info|biz|fr|de|es|uk|gl|gd|link|page|site|online|shop|app|tv|xyz)(?:/\S*)?\b"
)
#: Link shorteners: the link hides where it goes.
SHORTENERS = frozenset(
    "bit.ly tinyurl.com t.co goo.gl ow.ly is.gd buff.ly rebrand.ly cutt.ly shorturl.at "
    "tiny.cc bl.ink lnkd.in rb.gy s.id t.ly v.gd short.io linktr.ee".split()
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{6,}\d(?!\w)")
_DIGITS = re.compile(r"\d\D?\d\D?\d")
_TOKEN = re.compile(r"[^\W_]+|[!?$€£%]")
#: Placeholders for what the text held, and how an explanation names them.
SPECIAL: dict[str, str] = {
    "zzurl": "a link",
    "zzshort": "a shortened link",
    "zzemail": "an e-mail address",
    "zzphone": "a phone number",
}


def is_short_link(url: str) -> bool:
    """Whether a link goes through a link shortener (``bit.ly/...``)."""
    host = re.sub(r"(?i)^(?:https?://)?(?:www\.)?", "", url).split("/", 1)[0].lower()
    return host in SHORTENERS


def _placeholders(text: str) -> str:
    def url(m: re.Match[str]) -> str:
        return " zzshort " if is_short_link(m.group(0)) else " zzurl "

    # Most notes hold none of these: the cheap tests spare the three searches.
    if "@" in text:
        text = EMAIL.sub(" zzemail ", text)
    if "." in text or "/" in text:
        text = URL.sub(url, text)
    if _DIGITS.search(text):
        text = PHONE.sub(
            lambda m: " zzphone " if sum(c.isdigit() for c in m.group(0)) >= 8 else m.group(0),
            text,
        )
    return text


_COMBINING = re.compile("[\u0300-\u036f]")
_ZERO = str.maketrans("123456789", "000000000")


def _fold(text: str) -> str:
    """Lower case without diacritics (``Expérience`` -> ``experience``), digits as 0."""
    text = text.lower()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).replace("ß", "ss")
    return text.translate(_ZERO)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return _fold(word)


def words(text: str) -> list[str]:
    """The folded words of a text, links, e-mail addresses and phone numbers replaced."""
    return _TOKEN.findall(_fold(_placeholders(text)))


@lru_cache(maxsize=65536)
def _word_features(word: str) -> tuple[str, ...]:
    """A folded word's own features: itself and its character 3- to 5-grams."""
    out = ["w|" + word]
    if word in SPECIAL or len(word) < 2:
        return tuple(out)
    padded = f" {word} "
    for n in (3, 4, 5):
        if len(padded) < n:
            break
        out += ["c|" + padded[i : i + n] for i in range(len(padded) - n + 1)]
    return tuple(out)


def tokens(text: str) -> list[tuple[str, str]]:
    """(folded word, the word as written) for each word, links and numbers replaced."""
    shown = [m.group(0).lower() for m in _TOKEN.finditer(_placeholders(text))]
    folded = words(text)
    if len(folded) != len(shown):  # folding split or joined a word: show it folded
        return [(f, f) for f in folded]
    return list(zip(folded, shown, strict=True))


def analyze(text: str, *, kind: str = "note") -> list[str]:
    """Every feature of a text, with repeats (what training counts).

    Args:
        text: the note or headline.
        kind: ``note`` or ``headline`` (a headline gets one feature of its own).
    """
    toks = words(text)
    feats: list[str] = ["k|" + kind]
    for t in toks:
        feats += _word_features(t)
    feats += ["b|" + a + " " + b for a, b in zip(toks, toks[1:], strict=False)]
    return feats


def scale(n_features: int) -> float:
    """The length normalisation: a note's counts are divided by the root of their sum."""
    return 1.0 / math.sqrt(max(n_features, 1))


#: Words too common to explain anything (English, French, German, Spanish).
_STOP = frozenset(
    """a an and are as at be by for from i in is it me of on or our so that the this to
    us we with you your my hi hello hey dear here there been was were have has had will
    would could can just about all any some very too also their they them what when who
    how it's i'm i've i'd i'll let's s m ve d ll re t le la les de des du un une et en je
    vous nous pour sur au aux est il elle ce cette mon ma mes votre vos bonjour salut
    ai avec qui que der die das und ich sie wir mit zu im ist ein eine dem den des mein
    meine ihr ihre hallo liebe lieber guten tag el los las y yo tu te una del al con por
    para es mi mis su sus hola buenos buenas""".split()
)
#: A word after one of these is the name of whom the note greets.
_GREETINGS = frozenset(
    "hi hello hey dear bonjour salut cher chere hallo liebe lieber hola querido querida".split()
)


@dataclass(slots=True)
class NoteReading:
    """The reader's scores for one text, and the words behind each."""

    text: str
    scores: dict[str, float]
    """Probability-like score in [0, 1] per label."""
    thresholds: dict[str, float]
    model: NoteModel
    folded: list[str]
    """The folded words the scores read."""
    factor: float
    """The length normalisation the scores used."""

    def labels(self) -> list[str]:
        """The labels at or above their shipped threshold, strongest first."""
        hit = [lb for lb in LABELS if self.scores[lb] >= self.thresholds[lb]]
        return sorted(hit, key=lambda lb: -self.scores[lb])

    def top(self) -> str:
        """The most likely label."""
        return max(LABELS, key=lambda lb: self.scores[lb])

    def unwanted(self) -> float:
        """How likely the note is the unwanted kind (the highest of :data:`UNWANTED`)."""
        return max(self.scores[lb] for lb in UNWANTED)

    def why(self, label: str, *, n: int = 3, skip: Iterable[str] = ()) -> list[str]:
        """The words that weighed most towards ``label``, quoted as the note wrote them;
        neighbours are joined into a phrase (``'open data'``). Links, e-mail addresses
        and phone numbers are named (``a link``), not quoted; function words and the
        words in ``skip`` (names) are left out.
        """
        col = LABELS.index(label)
        skipped = {_fold_word(w) for s in skip for w in s.split()} | _STOP
        toks = tokens(self.text)
        weight: list[float] = []
        for i, (folded, _) in enumerate(toks):
            w = self.model.word_weights(folded)[col]
            if i + 1 < len(toks):  # a bigram's weight is shared by its two words
                w += self.model.bigram_weights(folded, toks[i + 1][0])[col] / 2
            if i > 0:
                w += self.model.bigram_weights(toks[i - 1][0], folded)[col] / 2
            weight.append(w * self.factor)

        def telling(i: int) -> bool:
            folded = toks[i][0]
            greeted = i > 0 and toks[i - 1][0] in _GREETINGS
            return (
                (folded in SPECIAL or folded.isalnum())
                and folded not in skipped
                and not greeted
                and weight[i] > 0.05
            )

        order = sorted((i for i in range(len(toks)) if telling(i)), key=lambda i: -weight[i])
        # A link, an address or a number counts as a fact whatever its rank; words fill
        # up to n.
        picked = [i for i in order if toks[i][0] in SPECIAL]
        for i in order:
            if sum(toks[j][0] not in SPECIAL for j in picked) >= n:
                break
            if toks[i][0] not in SPECIAL and all(toks[j][0] != toks[i][0] for j in picked):
                picked.append(i)
        out: list[str] = []
        run: list[str] = []
        for i in sorted(picked):
            folded, shown = toks[i]
            if folded in SPECIAL:
                if SPECIAL[folded] not in out:
                    out.append(SPECIAL[folded])
                continue
            run.append(shown)
            if i + 1 not in picked:
                out.append("'" + " ".join(run) + "'")
                run = []
        return out


class NoteModel:
    """The shipped weights: one column per label over a fixed vocabulary."""

    def __init__(
        self,
        vocabulary: Sequence[str],
        weights: npt.NDArray[np.float64],
        bias: npt.NDArray[np.float64],
        thresholds: npt.NDArray[np.float64],
    ) -> None:
        self.index = {f: i for i, f in enumerate(vocabulary)}
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.thresholds = dict(zip(LABELS, np.asarray(thresholds).tolist(), strict=True))
        self._zero = np.zeros(len(LABELS))
        self._word_cache: dict[str, tuple[list[int], int]] = {}
        # Each word seen gets a row holding its summed weights, so a note is scored by
        # one gather over its words and bigrams instead of one over every n-gram.
        self._rows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._table = np.zeros((1024, len(LABELS)))

    # -- weights on disk ---------------------------------------------------------------
    @classmethod
    def from_bytes(cls, data: bytes) -> NoteModel:
        with np.load(BytesIO(data), allow_pickle=False) as z:
            vocab = str(z["vocabulary"]).split("\n")
            return cls(vocab, z["weights"].astype(np.float64), z["bias"], z["thresholds"])

    def to_bytes(self) -> bytes:
        vocab = [""] * len(self.index)
        for f, i in self.index.items():
            vocab[i] = f
        buf = BytesIO()
        np.savez_compressed(
            buf,
            vocabulary=np.array("\n".join(vocab)),
            weights=self.weights.astype(np.float16),
            bias=self.bias,
            thresholds=np.array([self.thresholds[lb] for lb in LABELS]),
        )
        return buf.getvalue()

    # -- scoring -----------------------------------------------------------------------
    def _word(self, word: str) -> tuple[list[int], int]:
        """A word's known feature indices and its number of features (cached)."""
        hit = self._word_cache.get(word)
        if hit is None:
            feats = _word_features(word)
            hit = ([i for f in feats if (i := self.index.get(f)) is not None], len(feats))
            if len(self._word_cache) < 200_000:
                self._word_cache[word] = hit
        return hit

    def word_weights(self, word: str) -> npt.NDArray[np.float64]:
        """A folded word's own summed weights (itself and its character n-grams)."""
        idx = self._word(word)[0]
        return self.weights[idx].sum(axis=0) if idx else self._zero

    def bigram_weights(self, a: str, b: str) -> npt.NDArray[np.float64]:
        i = self.index.get("b|" + a + " " + b)
        return self._zero if i is None else self.weights[i]

    def _row(self, word: str) -> tuple[int, int]:
        """The word's row in the table of summed weights, and its number of features."""
        hit = self._rows.get(word)
        if hit is None:
            # One writer at a time (the web page serves from threads): a row is taken
            # and filled before any other word can take the next. Rows are never
            # freed: a word costs 48 bytes, a million distinct words 48 MB.
            with self._lock:
                hit = self._rows.get(word)
                if hit is None:
                    row = len(self._rows)
                    if row >= len(self._table):
                        self._table = np.vstack([self._table, np.zeros_like(self._table)])
                    self._table[row] = self.word_weights(word)
                    hit = (row, len(_word_features(word)))
                    self._rows[word] = hit
        return hit

    def _parts(self, folded: list[str], kind: str) -> tuple[list[int], list[int], int]:
        """A text's rows in the word table, its bigrams' and kind's feature indices,
        and its number of features (the length normalisation)."""
        get_row, get = self._rows.get, self.index.get
        rows: list[int] = []
        n = len(folded)  # the kind's feature and one bigram for each word but the first
        for w in folded:
            row, m = get_row(w) or self._row(w)
            rows.append(row)
            n += m
        feats = [
            i
            for a, b in zip(folded, folded[1:], strict=False)
            if (i := get("b|" + a + " " + b)) is not None
        ]
        if (k := get("k|" + kind)) is not None:
            feats.append(k)
        return rows, feats, n

    def read(self, text: str, *, kind: str = "note") -> NoteReading:
        """Scores for one note or headline (its words kept to explain them)."""
        folded = words(text)
        rows, feats, n = self._parts(folded, kind)
        total = self._table[rows].sum(axis=0) + self.weights[feats].sum(axis=0)
        factor = scale(n)
        probs = 1.0 / (1.0 + np.exp(-(total * factor + self.bias)))
        return NoteReading(
            text,
            dict(zip(LABELS, probs.tolist(), strict=True)),
            self.thresholds,
            self,
            folded,
            factor,
        )

    def scores(self, texts: Iterable[str], *, kind: str = "note") -> npt.NDArray[np.float64]:
        """The scores of many texts at once, one row per text, one column per label:
        what :meth:`read` gives, with the sums done in two numpy calls."""
        rows: list[int] = []
        feats: list[int] = []
        row_starts: list[int] = []
        feat_starts: list[int] = []
        factors: list[float] = []
        zero_row = -1  # every segment starts with a row of zeros, so none is empty
        for text in texts:
            r, f, n = self._parts(words(text), kind)
            row_starts.append(len(rows))
            feat_starts.append(len(feats))
            rows.append(zero_row)
            rows += r
            feats.append(len(self.index))
            feats += f
            factors.append(scale(n))
        if not factors:
            return np.zeros((0, len(LABELS)))
        table = np.vstack([self._table[: len(self._rows)], self._zero])
        weights = np.vstack([self.weights, self._zero])
        total = np.add.reduceat(table[rows], row_starts) + np.add.reduceat(
            weights[feats], feat_starts
        )
        logits = total * np.array(factors)[:, None] + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def unwanted_scores(self, texts: Iterable[str]) -> npt.NDArray[np.float64]:
        """:meth:`NoteReading.unwanted` of many notes."""
        cols = [LABELS.index(lb) for lb in UNWANTED]
        return self.scores(texts)[:, cols].max(axis=1)


@lru_cache(maxsize=1)
def shipped_model() -> NoteModel:
    """The model shipped in the package (read once)."""
    data = resources.files("havewemet.triage").joinpath("data", "notes_model.npz").read_bytes()
    return NoteModel.from_bytes(data)


def read_note(text: str, *, kind: str = "note") -> NoteReading:
    """Read one note (or headline, ``kind="headline"``) with the shipped model."""
    return shipped_model().read(text, kind=kind)
