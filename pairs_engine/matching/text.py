"""French free-text similarity: folded tokens, French stop words, Snowball stems, TF-IDF, then LSA.

Each text becomes a TF-IDF vector over stems (sublinear tf, smoothed idf, l2-normalised), projected on the
`rank` leading right singular vectors of the corpus matrix (latent semantic analysis) and re-normalised, so the
similarity of two texts is a cosine in a small dense space. When the corpus spans fewer dimensions than `rank`
(small populations) the projection keeps every direction and the cosine equals the plain TF-IDF cosine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
import snowballstemmer  # type: ignore[import-untyped]

from pairs_engine.text import fold

# Common French function words, folded (no accents), plus words every profile text uses.
_STOP_WORDS = frozenset(
    [
        "a",
        "afin",
        "ai",
        "aie",
        "aient",
        "aies",
        "ait",
        "alors",
        "as",
        "au",
        "aucun",
        "aucune",
        "aupres",
        "aussi",
        "autre",
        "autres",
        "aux",
        "avaient",
        "avais",
        "avait",
        "avant",
        "avec",
        "avez",
        "aviez",
        "avions",
        "avoir",
        "avons",
        "ayant",
        "c",
        "ca",
        "ce",
        "ceci",
        "cela",
        "celle",
        "celles",
        "celui",
        "cependant",
        "ces",
        "cet",
        "cette",
        "ceux",
        "chacun",
        "chaque",
        "chez",
        "ci",
        "comme",
        "comment",
        "d",
        "dans",
        "de",
        "des",
        "deja",
        "depuis",
        "dont",
        "donc",
        "du",
        "elle",
        "elles",
        "en",
        "encore",
        "entre",
        "es",
        "est",
        "et",
        "etaient",
        "etais",
        "etait",
        "etant",
        "ete",
        "etes",
        "etiez",
        "etions",
        "etre",
        "eu",
        "eue",
        "eues",
        "eux",
        "fait",
        "faire",
        "fais",
        "font",
        "fut",
        "il",
        "ils",
        "j",
        "je",
        "jusqu",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "meme",
        "memes",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "ni",
        "nos",
        "notre",
        "nous",
        "on",
        "ont",
        "ou",
        "par",
        "parce",
        "pas",
        "peu",
        "peut",
        "peux",
        "plus",
        "pour",
        "pourquoi",
        "qu",
        "quand",
        "que",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "qui",
        "quoi",
        "s",
        "sa",
        "sans",
        "se",
        "ses",
        "si",
        "sien",
        "soi",
        "soit",
        "son",
        "sont",
        "sous",
        "suis",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tous",
        "tout",
        "toute",
        "toutes",
        "tres",
        "tu",
        "un",
        "une",
        "unes",
        "uns",
        "vers",
        "voici",
        "voila",
        "vos",
        "votre",
        "vous",
        "y",
        "cherche",
        "cherchons",
        "recherche",
        "apporter",
        "apporte",
        "peux",
        "pourrais",
        "souhaite",
        "souhaiterais",
        "aimerais",
        "voudrais",
    ]
)

_stemmer = snowballstemmer.stemmer("french")


class Tokenizer:
    """Folded, stop-word-free Snowball stems; stems are memoised per word (texts repeat words a lot)."""

    def __init__(self) -> None:
        self._stems: dict[str, str] = {}

    def stems(self, text: str) -> list[str]:
        out: list[str] = []
        cache = self._stems
        for word in fold(text).split():
            if len(word) < 2 or word in _STOP_WORDS or word.isdigit():
                continue
            stem = cache.get(word)
            if stem is None:
                stem = _stemmer.stemWord(word)
                cache[word] = stem
            out.append(stem)
        return out


class TextModel:
    """TF-IDF + LSA fitted on a corpus; `transform` maps texts to unit vectors (zero for an empty text)."""

    def __init__(
        self, *, vocabulary: dict[str, int], idf: npt.NDArray[np.float32], basis: npt.NDArray[np.float32]
    ):
        self.vocabulary = vocabulary
        self.idf = idf
        self.basis = basis  # (vocabulary, rank)
        self.tokenizer = Tokenizer()

    @property
    def rank(self) -> int:
        return int(self.basis.shape[1])

    @classmethod
    def fit_transform(
        cls, texts: Sequence[str], *, rank: int = 24, max_fit_docs: int = 60_000, seed: int = 0
    ) -> tuple[TextModel, npt.NDArray[np.float32]]:
        """Fit on `texts` and return the model with the texts' vectors (each distinct text is tokenised once)."""
        tokenizer = Tokenizer()
        unique: dict[str, int] = {}
        positions = np.fromiter(
            (unique.setdefault(text, len(unique)) for text in texts), np.int64, len(texts)
        )
        token_lists = [tokenizer.stems(text) for text in unique]
        vocabulary: dict[str, int] = {}
        for tokens in token_lists:
            for token in tokens:
                vocabulary.setdefault(token, len(vocabulary))
        if not vocabulary:
            empty = cls(vocabulary={}, idf=np.zeros(0, np.float32), basis=np.zeros((0, 0), np.float32))
            return empty, np.zeros((len(texts), 0), dtype=np.float32)
        counts = _count_matrix(token_lists, vocabulary)
        # Document frequency over distinct texts: copies of one sentence do not make its words common.
        df = np.bincount(counts.indices, minlength=len(vocabulary)).astype(np.float64)
        n_docs = counts.shape[0]
        idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        matrix = _tfidf(counts, idf)
        rng = np.random.default_rng(seed)
        sample = matrix
        if matrix.shape[0] > max_fit_docs:
            rows = np.sort(rng.choice(matrix.shape[0], size=max_fit_docs, replace=False))
            sample = matrix[rows]
        basis = _leading_right_singular_vectors(sample, rank=rank, rng=rng)
        model = cls(vocabulary=vocabulary, idf=idf, basis=basis)
        model.tokenizer = tokenizer
        return model, model._project(matrix)[positions]

    def transform(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.rank), dtype=np.float32)
        if self.rank == 0 or not texts:
            return out
        unique: dict[str, int] = {}
        positions = np.fromiter(
            (unique.setdefault(text, len(unique)) for text in texts), np.int64, len(texts)
        )
        token_lists = [[t for t in self.tokenizer.stems(text) if t in self.vocabulary] for text in unique]
        matrix = _tfidf(_count_matrix(token_lists, self.vocabulary), self.idf)
        return self._project(matrix)[positions]

    def _project(self, matrix: sp.csr_matrix) -> npt.NDArray[np.float32]:
        projected = np.asarray(matrix @ self.basis, dtype=np.float32)
        norms = np.linalg.norm(projected, axis=1)
        nonzero = norms > 1e-6
        projected[nonzero] /= norms[nonzero, None]
        projected[~nonzero] = 0.0
        return projected


def _count_matrix(token_lists: list[list[str]], vocabulary: dict[str, int]) -> sp.csr_matrix:
    indptr = np.zeros(len(token_lists) + 1, dtype=np.int64)
    indices: list[int] = []
    for row, tokens in enumerate(token_lists):
        indices.extend(vocabulary[token] for token in tokens)
        indptr[row + 1] = len(indices)
    data = np.ones(len(indices), dtype=np.float32)
    matrix = sp.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), indptr), shape=(len(token_lists), len(vocabulary))
    )
    matrix.sum_duplicates()
    return matrix


def _tfidf(counts: sp.csr_matrix, idf: npt.NDArray[np.float32]) -> sp.csr_matrix:
    matrix = counts.astype(np.float32, copy=True)
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    squared = matrix.multiply(matrix).sum(axis=1)
    norms = np.sqrt(np.asarray(squared, dtype=np.float32).ravel())
    norms[norms == 0] = 1.0
    result: sp.csr_matrix = sp.diags(1.0 / norms).astype(np.float32) @ matrix
    return result.tocsr()


def _leading_right_singular_vectors(
    matrix: sp.csr_matrix, *, rank: int, rng: np.random.Generator
) -> npt.NDArray[np.float32]:
    n_cols = matrix.shape[1]
    if n_cols <= 4000:
        # Exact: the right singular vectors are the eigenvectors of the (vocabulary × vocabulary) Gram matrix.
        gram = np.asarray((matrix.T @ matrix).toarray(), dtype=np.float64)
        eigenvalues, eigenvectors = np.linalg.eigh(gram)
        order = np.argsort(eigenvalues)[::-1]
        keep = int(min(rank, int(np.sum(eigenvalues > 1e-9))))
        return np.ascontiguousarray(eigenvectors[:, order[:keep]].astype(np.float32))
    # Randomised SVD (Halko et al. 2011) with two power iterations; seeded, hence deterministic.
    oversample = rank + 16
    omega = rng.standard_normal((n_cols, oversample)).astype(np.float32)
    q, _r = np.linalg.qr(matrix @ omega)
    for _ in range(2):
        z, _r = np.linalg.qr(matrix.T @ q)
        q, _r = np.linalg.qr(matrix @ z)
    small = np.asarray((matrix.T @ q).T, dtype=np.float64)
    _u, s, vt = np.linalg.svd(small, full_matrices=False)
    keep = int(min(rank, int(np.sum(s > 1e-7))))
    return np.ascontiguousarray(vt[:keep].T.astype(np.float32))
