"""havewemet: answer "have we met?" for every pending connection request, locally.

The public API is the names in ``__all__``; everything else is internal. They load on
first use, so ``import havewemet`` stays light. A session, as ``docs/api.md`` shows::

    import havewemet

    store = havewemet.Store.open("havewemet.db")          # open (or create) a store
    batch = havewemet.read_source("Basic_LinkedInDataExport.zip")   # read a source
    store.save(batch)                                     # save it (re-runnable)
    for result in havewemet.triage_inbox(store):          # triage the inbox
        print(result.request.name, result.verdict, result.action)
    result = havewemet.check_request(store, havewemet.Request("Ann Lee", note="Hi!"))
    havewemet.decide(store, "Ann Lee", "ignore", reason="a stranger")

Every error the library raises on purpose is a :class:`HaveWeMetError` (the hierarchy
is drawn in :mod:`havewemet.errors`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from havewemet._lazy import lazy_getattr

if TYPE_CHECKING:
    from havewemet.errors import (
        HaveWeMetError,
        InputError,
        NotFoundError,
        PolicyError,
        StoreError,
        UnsupportedFormatError,
    )
    from havewemet.importers import ImportOptions, detect_format, read_source
    from havewemet.models import ImportBatch, Request
    from havewemet.store import SaveResult, Store
    from havewemet.triage.decisions import decide
    from havewemet.triage.engine import Triage, check_request, triage_inbox
    from havewemet.triage.policy import Policy, load_policy

#: Where each public name lives (imported on first use).
_WHERE = {
    "Store": "havewemet.store",
    "SaveResult": "havewemet.store",
    "read_source": "havewemet.importers",
    "detect_format": "havewemet.importers",
    "ImportOptions": "havewemet.importers",
    "ImportBatch": "havewemet.models",
    "Request": "havewemet.models",
    "triage_inbox": "havewemet.triage.engine",
    "check_request": "havewemet.triage.engine",
    "Triage": "havewemet.triage.engine",
    "decide": "havewemet.triage.decisions",
    "load_policy": "havewemet.triage.policy",
    "Policy": "havewemet.triage.policy",
    "HaveWeMetError": "havewemet.errors",
    "InputError": "havewemet.errors",
    "UnsupportedFormatError": "havewemet.errors",
    "StoreError": "havewemet.errors",
    "PolicyError": "havewemet.errors",
    "NotFoundError": "havewemet.errors",
}

__all__ = [
    # open a store, save what a source gave
    "Store",
    "SaveResult",
    # read a source
    "read_source",
    "detect_format",
    "ImportOptions",
    "ImportBatch",
    # triage the inbox, check one request, decide
    "Request",
    "triage_inbox",
    "check_request",
    "Triage",
    "decide",
    "load_policy",
    "Policy",
    # errors
    "HaveWeMetError",
    "InputError",
    "UnsupportedFormatError",
    "StoreError",
    "PolicyError",
    "NotFoundError",
]


__getattr__ = lazy_getattr(__name__, _WHERE)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
