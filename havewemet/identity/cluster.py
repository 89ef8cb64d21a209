"""Clustering identities from all sources into people, conservatively (issue 3).

A wrong merge is worse than a missed one: identities join only on an exact shared
identifier (e-mail, phone, LinkedIn profile) or on a name match whose probability
is at least :data:`MERGE_AT` after term-frequency weighting (two "John Smith"s
stay apart; two "Zofia Szczepańska"s join). Two different LinkedIn profiles never
end up in one person. The user's overrides in the ``links`` table (``link`` /
``unlink``) win over everything and survive re-imports, since they name
identity ids, which are stable.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
from collections import defaultdict
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from havewemet.errors import HaveWeMetError
from havewemet.identity.compare import Rec, compare, compare_above, probability
from havewemet.identity.match import Matcher
from havewemet.identity.names import given_name_roots, skeleton
from havewemet.models import ImportBatch, stable_id

if TYPE_CHECKING:
    from havewemet.store import SaveResult, Store

log = logging.getLogger(__name__)

MERGE_AT = 0.95
#: An import of more new identities than this is grouped on exact identifiers only at
#: import time (comparing the names of 30,000 new identities took 20 s or more on the
#: shared machine); `link`/`unlink` regroup everything, names included.
NAME_LINKS_UP_TO = 5_000
_MAX_BLOCK = 40  # larger name blocks are common names: too ambiguous to merge on names


class _Groups:
    """Union-find that refuses merges joining two LinkedIn profiles or an unlinked pair."""

    def __init__(self, matcher: Matcher, unlinks: list[tuple[str, str]]):
        self.parent: dict[str, str] = {i: i for i in matcher}
        self.slugs = {i: set(matcher.recs[i].slugs) for i in matcher}
        self.members = {i: {i} for i in matcher}
        self.unlinks = unlinks

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force and self.slugs[ra] and self.slugs[rb] and self.slugs[ra] != self.slugs[rb]:
            return False
        for x, y in self.unlinks:
            if x in self.parent and y in self.parent and {self.find(x), self.find(y)} == {ra, rb}:
                return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.slugs[ra] |= self.slugs.pop(rb)
        return True


def _overrides(store: Store) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    links: list[tuple[str, str]] = []
    unlinks: list[tuple[str, str]] = []
    for a, b, kind in store.links():
        (links if kind == "link" else unlinks).append((a, b))
    return links, unlinks


def _elsewhere(a: Rec, b: Rec) -> bool:
    """Both have e-mail addresses and an organisation, and neither is the same: two
    namesakes at two places. A name, however sure, does not group them (a card and a
    mail thread of one person share an address or a workplace, or lack one)."""
    return bool(
        a.emails
        and b.emails
        and not a.emails & b.emails
        and a.company
        and b.company
        and fuzz.token_set_ratio(a.company, b.company) < 90
    )


def cluster_identities(identities, *, links=(), unlinks=()) -> dict[str, str]:
    """Cluster identity dicts into people: ``{identity_id: person_id}``."""
    matcher = Matcher(identities)
    groups = _Groups(matcher, list(unlinks))
    for a, b in links:
        if a in groups.parent and b in groups.parent:
            groups.union(a, b, force=True)
    blocks: dict[tuple, list[str]] = defaultdict(list)
    for iid, rec in matcher.recs.items():
        for e in rec.emails:
            blocks[("e", e)].append(iid)
        for p in rec.phones:
            blocks[("t", p)].append(iid)
        for s in rec.slugs:
            blocks[("l", s)].append(iid)
        if rec.name.first and rec.name.last:
            for root in given_name_roots(rec.name.first):
                blocks[("n", root, skeleton(rec.name.last))].append(iid)
    prior = matcher.log2_prior_odds
    for key, ids in blocks.items():
        if len(ids) < 2:
            continue
        if key[0] != "n":  # an exact shared identifier
            for other in ids[1:]:
                groups.union(ids[0], other)
            continue
        if len(ids) > _MAX_BLOCK:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if groups.find(a) == groups.find(b):
                    continue
                ug, ul = matcher.u_values(matcher.recs[b])
                ra, rb = matcher.recs[a], matcher.recs[b]
                if _elsewhere(ra, rb):
                    continue
                sc = compare(ra, rb, u_given=ug, u_last=ul)
                if not sc.conflict and probability(sc.weight, prior) >= MERGE_AT:
                    groups.union(a, b)
    return {iid: stable_id("person", min(groups.members[groups.find(iid)])) for iid in matcher}


def cluster(store: Store, *, write: bool = True) -> dict[str, str]:
    """Cluster the store's identities into people, honouring link/unlink overrides.

    With ``write`` the result goes to ``identities.person_id`` and the ``people``
    table (replaced as a whole, in one transaction).
    """
    links, unlinks = _overrides(store)
    idents = list(store.identities())
    result = cluster_identities(idents, links=links, unlinks=unlinks)
    if write:
        names: dict[str, str] = {}
        sizes: dict[str, int] = defaultdict(int)
        for ident in idents:
            pid = result[ident["id"]]
            sizes[pid] += 1
            if len(ident.get("name") or "") > len(names.get(pid, "")):
                names[pid] = ident["name"]
        store.set_person_ids(result, [(p, names.get(p, ""), n) for p, n in sizes.items()])
    log.info("clustered %d identities into %d people", len(result), len(set(result.values())))
    return result


def group_new(store: Store, matcher: Matcher | None = None) -> int:
    """Group the identities no grouping has placed yet (an import's new ones) into
    people, incrementally (issue 12): each joins the people it shares an exact
    identifier with, or that the matcher links at :data:`MERGE_AT` or more, and
    through them others (transitively), unless the groups would hold two different
    LinkedIn profiles or a pair the user unlinked; a ``link`` joins in any case. Only
    the people touched are written. Returns how many identities were placed.

    ``matcher`` is the store's (:func:`~havewemet.identity.prepared.load_matcher`,
    which prepares the new identities' records for the first triage as it goes).
    """
    new = store.groups.ungrouped()
    if not new:
        return 0
    if matcher is None:
        from havewemet.identity.prepared import load_matcher

        matcher = load_matcher(store)
    links, unlinks = _overrides(store)
    fresh = set(new)
    pairs: list[tuple[str, str, bool]] = []  # (a, b, forced)
    index = matcher.blocks.index
    prior = matcher.log2_prior_odds
    floor = math.log2(MERGE_AT / (1 - MERGE_AT)) - prior  # the weight MERGE_AT needs
    compared: set[tuple[str, str]] = set()
    handle_sets: dict[str, frozenset[str]] = {}

    def handles(iid: str) -> frozenset[str]:
        got = handle_sets.get(iid)
        if got is None:
            rec = matcher.recs[iid]
            got = handle_sets[iid] = rec.usernames - rec.slugs
        return got

    for iid in new:
        rec = matcher.recs.get(iid)
        if rec is None:
            continue
        # The same e-mail, phone, profile or handle: the blocking index's own keys.
        keys = [
            *("e:" + e for e in rec.emails),
            *("t:" + t for t in rec.phones),
            *("l:" + sl for sl in rec.slugs),
        ]
        for key in keys:
            pairs.extend((iid, o, False) for o in index.get(key, ()) if o != iid)
        # A handle (not a profile slug, which the "l:" keys cover): its "u:" key also
        # holds mail local parts and namesakes' slugs, so the other must have the same
        # handle.
        own = rec.usernames - rec.slugs
        for user, _t, joined in rec.fit_handles:
            if user not in own:
                continue
            for o in index.get("u:" + joined, ()):
                if o != iid and user in handles(o):
                    pairs.append((iid, o, False))
        # A name match at MERGE_AT: only within the block of the given name's roots and
        # the surname's skeleton (as cluster_identities), at most _MAX_BLOCK members.
        pn = rec.name
        if not (pn.first and pn.last) or len(new) > NAME_LINKS_UP_TO:
            continue
        for root in given_name_roots(pn.first):
            block = index.get(f"g:{root}:{skeleton(pn.last)[:1]}", ())
            if len(block) > _MAX_BLOCK:
                continue
            for other in block:
                if other == iid or (other, iid) in compared:
                    continue
                compared.add((iid, other))
                b = matcher.recs[other]
                if skeleton(b.name.last) != skeleton(pn.last) or _elsewhere(rec, b):
                    continue
                ug, ul = matcher.u_values(b)
                sc = compare_above(rec, b, floor, u_given=ug, u_last=ul)
                if sc is not None and not sc.conflict and probability(sc.weight, prior) >= MERGE_AT:
                    pairs.append((iid, other, False))
    pairs += [(a, b, True) for a, b in links if a in fresh or b in fresh]
    involved = fresh | {b for _, b, _f in pairs} | {a for a, _, _f in pairs}
    person = store.groups.person_of(involved - fresh)  # the new ones have none yet
    members = store.groups.members(set(person.values()))
    nodes = set(involved) | {i for ids in members.values() for i in ids}
    parent = {i: i for i in nodes}
    group: dict[str, set[str]] = {i: {i} for i in nodes}
    unlinked = [(a, b) for a, b in unlinks if a in nodes and b in nodes]

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def slugs(root: str) -> set[str]:
        return {s for i in group[root] if i in matcher.recs for s in matcher.recs[i].slugs}

    def union(a: str, b: str, force: bool) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        if not force:
            sa, sb = slugs(ra), slugs(rb)
            if sa and sb and not sa & sb:
                return  # two different LinkedIn profiles: two people
            if any({find(x), find(y)} == {ra, rb} for x, y in unlinked):
                return
        if len(group[ra]) < len(group[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        group[ra] |= group.pop(rb)

    for linked in members.values():
        for other in linked[1:]:
            union(linked[0], other, True)
    for x, y, forced in pairs:
        union(x, y, forced)
    out: dict[str, str] = {}
    gone: set[str] = set()
    member_of = {i: pid for pid, mids in members.items() for i in mids}
    for root, ids in group.items():
        if parent[root] != root:
            continue
        had = sorted(
            {person[i] for i in ids if i in person} | {member_of[i] for i in ids if i in member_of}
        )
        pid = had[0] if had else stable_id("person", min(ids))
        gone.update(had[1:])
        for i in ids:
            if person.get(i) != pid:
                out[i] = pid
    store.groups.assign(out, gone)
    log.info("grouped %d new identities (%d identities moved)", len(new), len(out))
    return len(new)


def save_and_group(store: Store, batch: ImportBatch, *, fingerprint: str = "") -> SaveResult:
    """Save an import and group its new identities into people in one transaction
    (issue 12), preparing their records for matching as it goes: the first triage
    after the import finds them grouped and prepared, and an error leaves neither."""
    if os.environ.get("HAVEWEMET_BENCH_NO_GROUP"):  # bench/import_group.py's baseline
        return store.save(batch, fingerprint=fingerprint)

    return store.save(batch, then=lambda: _prepare_and_group(store), fingerprint=fingerprint)


def _prepare_and_group(store: Store) -> None:
    """Prepare the store's new records and group its ungrouped identities, inside the
    caller's transaction (an import's or a forget's)."""
    from havewemet.identity.prepared import load_matcher

    matcher = load_matcher(store)
    if not store.in_transaction():
        # Keeping the prepared records hit a full disk, and SQLite rolled the whole
        # transaction back: say so (as the store does), never report it done.
        raise sqlite3.OperationalError("database or disk is full")
    group_new(store, matcher)


def forget_and_regroup(store: Store, source: str) -> dict[str, int]:
    """Forget a source and group again, in the same transaction, the people its
    identities were part of (issue 12): an address book's card may have been all that
    joined a mail thread and a LinkedIn connection into one person."""
    return store.forget(source, then=lambda: _prepare_and_group(store))


def _resolve(store: Store, ref: str) -> str:
    from havewemet.identity.people import resolve

    return resolve(store, ref)


def _regroup(store: Store, ia: str, ib: str) -> None:
    """Cluster again after a word on two identities. A requester with no identity of
    their own stands as their request's id: the triage reads that word itself
    (issue 12), and no grouping changes."""
    if all(store.identity_ids(x) == [x] for x in (ia, ib)):
        cluster(store)


def _override(store: Store, a: str, b: str, kind: str) -> tuple[str, str]:
    ia, ib = sorted((_resolve(store, a), _resolve(store, b)))
    if ia == ib:
        raise HaveWeMetError(f"{a!r} and {b!r} are the same identity ({ia})")
    store.add_link(ia, ib, kind)
    _regroup(store, ia, ib)
    return ia, ib


def link(store: Store, a: str, b: str) -> tuple[str, str]:
    """Say two identities are the same person; re-clusters. ``a``/``b``: identity ids,
    exact names, request ids or profile addresses (a request stands for its requester:
    :func:`~havewemet.identity.people.requester`)."""
    return _override(store, a, b, "link")


def unlink(store: Store, a: str, b: str) -> tuple[str, str]:
    """Say two identities are different people; re-clusters. ``a``/``b``: identity ids,
    exact names, request ids or profile addresses."""
    return _override(store, a, b, "unlink")


def take_back(store: Store, a: str, b: str) -> bool:
    """Undo a :func:`link` or :func:`unlink` of ``a`` and ``b`` (the matcher decides
    again); re-clusters. Whether there was a word to take back."""
    ia, ib = sorted((_resolve(store, a), _resolve(store, b)))
    if not store.remove_link(ia, ib):
        return False
    _regroup(store, ia, ib)
    return True


__all__ = [
    "MERGE_AT",
    "cluster",
    "cluster_identities",
    "forget_and_regroup",
    "group_new",
    "link",
    "save_and_group",
    "take_back",
    "unlink",
]
