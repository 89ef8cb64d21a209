"""Who is who (issue 12): the identities a query names, grouped by person, with why.

A query is a name, an e-mail, a profile address, a handle, an identity id or a
request id. The store gives candidates (:meth:`Store.identities_like`); this module
keeps those the query really names and explains each person's grouping: the
identifiers its identities share, and the user's ``link``.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Any

from havewemet.errors import NotFoundError
from havewemet.normalize import normalize_email, normalize_phone, profile_slug, social_handle

if TYPE_CHECKING:
    from havewemet.models import PendingRequest
    from havewemet.store import Store


def _identifiers(ident: dict) -> dict[str, set[str]]:
    return {
        "e-mail": {e for e in map(normalize_email, ident["emails"]) if e},
        "phone": {p for p in (normalize_phone(x) for x in ident["phones"]) if p},
        "profile": {s for s in map(profile_slug, ident["urls"]) if s},
        "handle": {social_handle(x) or x.strip().lower() for x in ident["handles"] if x.strip()},
    }


def _names(ident: dict, query: str) -> bool:
    """Whether ``query`` (not a request id) names ``ident`` exactly."""
    q = query.strip()
    ids = _identifiers(ident)
    if q == ident["id"]:
        return True
    email = normalize_email(q)
    if email:
        return email in ids["e-mail"]
    slug = profile_slug(q)
    if slug:
        return slug in ids["profile"]
    if q.startswith("@") or "://" in q:
        handle = social_handle(q) or q.lower()
        return handle in ids["handle"]
    return q.casefold() in (ident.get("name") or "").casefold()


def _matching(store: Store, query: str) -> list[str]:
    request = store.request(query.strip())
    if request is not None:
        terms = [request.profile_url] if request.slug else [request.name]
        if request.slug and not _hits(store, request.profile_url):
            terms = [request.name]  # no identity has the profile: by name
        found = {i for t in terms for i in _hits(store, t, exact_name=True)}
        return sorted(found | set(said_about(store, request)))
    return _hits(store, query)


def requester(store: Store, request: PendingRequest) -> str:
    """The requester as an identity, for the user's word on who they are (issue 12):
    the identity in the user's data with the request's profile address (the first by
    id when several sources hold it; one person, by that shared address), else the
    request itself, whose id the ``links`` table keeps like an identity's."""
    if request.slug:
        ids = _hits(store, request.profile_url)
        if ids:
            return ids[0]
    return request.id


def said_about(store: Store, request: PendingRequest) -> dict[str, str]:
    """The user's word on who the requester is: ``{identity id: "link" | "unlink"}``
    (``havewemet link``/``unlink`` or the request page's buttons)."""
    refs = {request.id, requester(store, request)}
    out: dict[str, str] = {}
    for a, b, kind in store.links_of(refs):
        other = b if a in refs else a
        if other not in refs:
            out[other] = kind
    return out


def _request_words(store: Store, ids: set[str]) -> dict[str, list[str]]:
    """Per identity among ``ids``: the user's words that a requester is (or is not)
    the person behind it, as lines for ``why``."""
    words = [(a, b, k) for a, b, k in store.links_of(ids) if (a in ids) != (b in ids)]
    requests = store.requests_by_id(a if b in ids else b for a, b, _k in words)
    out: dict[str, list[str]] = {}
    for a, b, kind in words:
        iid, rid = (b, a) if b in ids else (a, b)
        req = requests.get(rid)
        if req is None:
            continue
        verb = "is this person" if kind == "link" else "is not this person"
        out.setdefault(iid, []).append(f"you said the requester {req.name} (request {rid}) {verb}")
    return out


def _hits(store: Store, query: str, *, exact_name: bool = False) -> list[str]:
    slug = profile_slug(query)
    needle = slug or normalize_email(query) or query.strip().lstrip("@")
    ids = store.identities_like(needle)
    out = []
    for ident in store.identities(ids):
        if exact_name and not (slug or normalize_email(query)):
            if (ident.get("name") or "").casefold() == query.strip().casefold():
                out.append(ident["id"])
        elif _names(ident, query):
            out.append(ident["id"])
    return sorted(out)


def _why(members: list[dict], links: set[frozenset[str]]) -> list[str]:
    reasons: list[str] = []
    ids = {m["id"]: _identifiers(m) for m in members}
    for a, b in combinations(members, 2):
        pair = frozenset((a["id"], b["id"]))
        if pair in links:
            reasons.append(f"linked by you: {a['id']} and {b['id']}")
        for kind in ("e-mail", "phone", "profile", "handle"):
            for value in sorted(ids[a["id"]][kind] & ids[b["id"]][kind]):
                reasons.append(f"shared {kind} {value}: {a['id']} and {b['id']}")
    if len(members) > 1 and not reasons:
        reasons.append("names agree (matched at 0.95 or more)")
    return list(dict.fromkeys(reasons))


def people(store: Store, query: str) -> list[dict[str, Any]]:
    """The people whose identities ``query`` names: each with ``person_id`` (``""``
    for an identity not grouped yet), ``name``, ``identities`` (source, file, line,
    identifiers, id, ``you``: the user's own) and ``why`` (the reasons they are one
    person, and which are the user)."""
    found = _matching(store, query)
    person = store.groups.person_of(found)
    members = store.groups.members(set(person.values()))
    groups: list[tuple[str, list[str]]] = [(p, ids) for p, ids in sorted(members.items())]
    groups += [("", [i]) for i in found if i not in person]
    all_ids = {i for _p, ids in groups for i in ids}
    by_id = {r["id"]: r for r in store.identities(all_ids)}
    links = {frozenset((a, b)) for a, b, kind in store.links() if kind == "link"}
    said = _request_words(store, all_ids)
    out = []
    for pid, ids in groups:
        rows = [by_id[i] for i in ids if i in by_id]
        out.append(
            {
                "person_id": pid,
                "name": max((r.get("name") or "" for r in rows), key=len, default=""),
                "identities": [
                    {
                        "id": r["id"],
                        "name": r.get("name") or "",
                        "source": r["source"],
                        "file": r.get("file") or "",
                        "line": r.get("line") or 0,
                        "emails": r["emails"],
                        "phones": r["phones"],
                        "urls": r["urls"],
                        "handles": r["handles"],
                        "matched": r["id"] in found,
                        "you": bool(r.get("own")),
                    }
                    for r in rows
                ],
                "why": [w for r in rows for w in said.get(r["id"], [])]
                + _why(rows, links)
                + [
                    f"{r['id']} is you (your e-mail, phone or profile: havewemet me): never "
                    "counted as someone you know"
                    for r in rows
                    if r.get("own")
                ],
            }
        )
    return out


def resolve(store: Store, ref: str) -> str:
    """One identity id for ``ref``: an identity id, an exact name, a request id or a
    profile address (the identity with that profile). A request id, or the profile
    address of a request that no identity holds, stands for the requester
    (:func:`requester`): their identity, else the request's own id."""
    rows = store.identity_ids(ref)
    if not rows:
        request = store.request(ref.strip())
        if request is None and profile_slug(ref):
            rows = _matching(store, ref)
            if not rows:  # a requester's address that no identity holds
                request = next(
                    (r for r in store.requests(status=None) if r.slug == profile_slug(ref)), None
                )
        if request is not None:
            return requester(store, request)
    if not rows:
        raise NotFoundError(
            f"no identity has the id, name, request or profile {ref!r}; "
            f"`havewemet people QUERY` lists identities and their ids"
        )
    if len(rows) > 1:
        raise NotFoundError(
            f"{len(rows)} identities match {ref!r}; give one id instead "
            f"({', '.join(rows[:5])}); `havewemet people {ref!r}` shows them"
        )
    return rows[0]


__all__ = ["people", "requester", "resolve", "said_about"]
