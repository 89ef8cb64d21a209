"""Matching a requester against the user's identities: blocking, comparison, score.

This is the interface the triage uses: build a :class:`Matcher` once over every
identity in the store, then call :meth:`Matcher.match` per requester.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

from havewemet.identity.handles import normalize_email, profile_slug
from havewemet.identity.names import fold, given_name_roots, given_names_match, parse_name


@dataclass(slots=True)
class Query:
    """What is known of a requester."""

    name: str = ""
    profile_url: str = ""
    emails: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    company: str = ""


@dataclass(slots=True)
class Match:
    identity_id: str
    probability: float
    reasons: list[str]
    """Which fields agreed (or disagreed), for the explanation."""
    conflict: bool = False
    """The name agrees but a hard identifier (profile URL) differs: a namesake."""


class Matcher:
    """An in-memory candidate index over identities (dicts as the store yields them)."""

    def __init__(self, identities: Iterable[dict]):
        self.identities: dict[str, dict] = {}
        self._by_slug: dict[str, list[str]] = defaultdict(list)
        self._by_email: dict[str, list[str]] = defaultdict(list)
        self._by_last: dict[str, list[str]] = defaultdict(list)
        for ident in identities:
            iid = ident["id"]
            self.identities[iid] = ident
            for url in ident.get("urls", []):
                slug = profile_slug(url)
                if slug:
                    self._by_slug[slug].append(iid)
            key = ident.get("key", "")
            if key.startswith("in/"):
                self._by_slug[key[3:]].append(iid)
            for e in ident.get("emails", []):
                self._by_email[normalize_email(e)].append(iid)
            pn = parse_name(ident.get("name") or f"{ident.get('first_name','')} "
                            f"{ident.get('last_name','')}")
            for last in pn.last.replace("-", " ").split():
                self._by_last[last].append(iid)

    def match(self, query: Query, *, limit: int = 5, threshold: float = 0.5) -> list[Match]:
        """The best-matching identities, most probable first."""
        slug = profile_slug(query.profile_url)
        qn = parse_name(query.name)
        out: dict[str, Match] = {}
        if slug:
            for iid in self._by_slug.get(slug, []):
                out[iid] = Match(iid, 0.999, [f"same LinkedIn profile ({slug})"])
        for e in query.emails:
            for iid in self._by_email.get(normalize_email(e), []):
                out.setdefault(iid, Match(iid, 0.995, [f"same e-mail ({e})"]))
        cands: set[str] = set()
        for last in qn.last.replace("-", " ").split():
            cands.update(self._by_last.get(last, []))
        for iid in cands - out.keys():
            m = self._compare_names(qn, iid, slug)
            if m and m.probability >= threshold:
                out[iid] = m
        return sorted(out.values(), key=lambda m: -m.probability)[:limit]

    def _compare_names(self, qn, iid: str, slug: str) -> Match | None:
        ident = self.identities[iid]
        pn = parse_name(ident.get("name") or "")
        if not pn.last or not qn.last:
            return None
        last_sim = JaroWinkler.similarity(qn.last, pn.last)
        if last_sim < 0.92:
            return None
        reasons = []
        if qn.first == pn.first:
            p, why = 0.9, f"same name ({ident.get('name')})"
        elif given_names_match(qn.first, pn.first):
            p, why = 0.8, f"{qn.first.title()} is a form of {pn.first.title()}"
            if len(qn.first) == 1 or len(pn.first) == 1:
                p, why = 0.6, f"initial {qn.first[0].upper()} fits {pn.first.title()}"
        else:
            return None
        reasons.append(why)
        if fold(ident.get("name", "")) != fold(ident.get("name", "")).encode().decode():
            pass
        if last_sim < 1.0:
            p -= 0.1
            reasons.append(f"surnames differ slightly ({qn.last} / {pn.last})")
        other_slugs = {profile_slug(u) for u in ident.get("urls", [])} - {""}
        if ident.get("key", "").startswith("in/"):
            other_slugs.add(ident["key"][3:])
        if slug and other_slugs and slug not in other_slugs:
            return Match(iid, 0.2, reasons + [f"but a different LinkedIn profile "
                                              f"({', '.join(sorted(other_slugs))})"],
                         conflict=True)
        return Match(iid, p, reasons)


__all__ = ["Match", "Matcher", "Query", "given_name_roots"]
