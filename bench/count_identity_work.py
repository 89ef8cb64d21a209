"""One piece of the identity matcher's work, for counting its instructions (issue 12).

Wall and CPU seconds on a shared machine move more between runs than a small change
does; instructions do not. Run the same command in two trees (``PYTHONPATH=<tree>``)
and compare the ``Collected`` line callgrind prints::

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \\
        python bench/count_identity_work.py {query,build,cluster,prepare} [--n N]

Only the named work runs inside ``functools.reduce`` (what callgrind counts):
``query``: 1,000 name queries after 50 warm-up ones, on ``bench/match_speed.py``'s
identities; ``build``: its index; ``cluster``: grouping them; ``prepare``: the first load
after an import of ``bench/triage_speed.py``'s store (preparing every identity).
Without valgrind it runs the same work, uncounted.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import match_speed  # noqa: E402
import triage_speed  # noqa: E402

from havewemet.identity import Matcher, Query  # noqa: E402
from havewemet.identity.cluster import cluster_identities  # noqa: E402
from havewemet.triage.engine import Triager  # noqa: E402


def _counted(work: Callable[[], object]) -> None:
    functools.reduce(lambda _, f: f(), [work], None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", choices=["query", "build", "cluster", "prepare"])
    ap.add_argument("--n", type=int, help="identities (20,000 for query, else 10,000)")
    args = ap.parse_args()
    n = args.n or (20_000 if args.work == "query" else 10_000)
    if args.work == "prepare":
        store, names = triage_speed.build(n, 5)
        triage_speed.requests(store, names, 10, 5)
        _counted(lambda: Triager(store))
        return
    idents = match_speed._identities(n)
    rng = random.Random(11)
    queries = [Query(rng.choice(idents)["name"]) for _ in range(1000)]
    if args.work == "build":
        _counted(lambda: Matcher(idents))
    elif args.work == "cluster":
        _counted(lambda: cluster_identities(idents))
    else:
        m = Matcher(idents)
        for q in queries[:50]:
            m.match(q)
        _counted(lambda: [m.match(q) for q in queries])


if __name__ == "__main__":
    main()
