"""A weighted undirected graph held as a sparse CSR adjacency (scipy), nodes ``0..n-1``.

Every other part of :mod:`havewemet.network` (link prediction, circles, the layout)
reads this one structure: a row of the adjacency is a node's neighbours and edge
weights, so a neighbourhood costs a slice, not a dict walk.

Examples:
    >>> g = Graph.from_edges(3, [0, 1], [1, 2])
    >>> g.neighbours(1).tolist(), g.degree.tolist()
    ([0, 2], [1, 2, 1])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from havewemet.errors import InputError

__all__ = ["Graph", "read_edge_list"]


@dataclass(frozen=True, slots=True)
class Graph:
    """An undirected graph: ``adj`` is symmetric CSR with the edge weights, no self loops;
    ``labels[i]`` names node ``i`` (its original id or a person's key)."""

    adj: sp.csr_matrix
    labels: list[str] = field(default_factory=list)

    @classmethod
    def from_edges(
        cls,
        n: int,
        a: Sequence[int] | NDArray[np.int64],
        b: Sequence[int] | NDArray[np.int64],
        weights: Sequence[float] | NDArray[np.float64] | None = None,
        *,
        labels: list[str] | None = None,
    ) -> Graph:
        """Build from edge ends; repeated edges add their weights (1 each when none)."""
        ia = np.asarray(a, dtype=np.int64)
        ib = np.asarray(b, dtype=np.int64)
        w = np.ones(len(ia)) if weights is None else np.asarray(weights, dtype=np.float64)
        keep = ia != ib
        ia, ib, w = ia[keep], ib[keep], w[keep]
        m = sp.coo_matrix(
            (np.concatenate([w, w]), (np.concatenate([ia, ib]), np.concatenate([ib, ia]))),
            shape=(n, n),
        ).tocsr()
        m.sum_duplicates()
        m.sort_indices()
        return cls(m, labels if labels is not None else [str(i) for i in range(n)])

    @property
    def n(self) -> int:
        return int(self.adj.shape[0])

    @property
    def edges(self) -> int:
        return int(self.adj.nnz // 2)

    @property
    def degree(self) -> NDArray[np.int64]:
        """How many neighbours each node has."""
        return np.diff(self.adj.indptr).astype(np.int64)

    def neighbours(self, i: int) -> NDArray[np.int32]:
        return self.adj.indices[self.adj.indptr[i] : self.adj.indptr[i + 1]]

    def weights_of(self, i: int) -> NDArray[np.float64]:
        return self.adj.data[self.adj.indptr[i] : self.adj.indptr[i + 1]]

    def without(self, i: int, others: Sequence[int] | NDArray[np.int64]) -> Graph:
        """The same graph without the edges between ``i`` and each of ``others``."""
        coo = self.adj.tocoo()
        other = np.asarray(others, dtype=np.int64)
        drop = ((coo.row == i) & np.isin(coo.col, other)) | (
            (coo.col == i) & np.isin(coo.row, other)
        )
        out = sp.csr_matrix(
            (coo.data[~drop], (coo.row[~drop], coo.col[~drop])), shape=self.adj.shape
        )
        out.sort_indices()
        return Graph(out, self.labels)


_FIX = "Give an undirected edge list: two node ids a line, separated by a space"


def read_edge_list(path: Path) -> Graph:
    """An undirected ``a b`` edge list (SNAP's format: whitespace-separated node ids, one
    edge a line, ``#`` comments; a third column is ignored). Node ids are kept as labels."""
    index: dict[str, int] = {}
    a: list[int] = []
    b: list[int] = []
    try:
        with path.open(encoding="utf-8") as fp:
            for no, line in enumerate(fp, 1):
                parts = line.split()
                if not parts or parts[0].startswith(("#", "%")):
                    continue
                if len(parts) < 2:
                    raise InputError(
                        str(path),
                        f"{line.strip()[:60]!r} is not an edge",
                        line=no,
                        fix="Write one edge a line as two node ids separated by a space",
                    )
                a.append(index.setdefault(parts[0], len(index)))
                b.append(index.setdefault(parts[1], len(index)))
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"not a text edge list ({e})", fix=_FIX) from e
    except OSError as e:
        raise InputError(str(path), f"cannot read it ({e.strerror})", fix="Check the path") from e
    if not a:
        raise InputError(str(path), "no edge found", fix=_FIX)
    return Graph.from_edges(len(index), a, b, labels=list(index))
