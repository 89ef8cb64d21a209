"""Declarative field comparisons combined as Fellegi-Sunter match weights (issue 3).

Each :class:`Comparison` names its levels with an *m* probability (how often two
records of the same person land on the level) and a *u* probability (how often
two records of different people do); the level's weight is ``log2(m / u)``. A
field missing on either side has weight 0 (``missing_value="ignore"``): absence
is not evidence. The given-name and surname *exact* levels take their *u* from
the user's own identities (term frequency: a Smith agreeing says less than a
Szczepańska agreeing), as Splink's term-frequency adjustment does.

Records are :class:`Rec`, prepared once per identity; comparing two is a few
dictionary look-ups and cached string functions, which is what makes the
interactive matcher fast.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

from havewemet.identity.handles import (
    _tokens,
    fit_reason,
    handle_username,
    normalize_email,
    phone_key,
    profile_slug,
    tokens_fit,
)
from havewemet.identity.names import (
    ParsedName,
    close_spelling,
    fold,
    given_level,
    parse_name,
    surname_level,
)


@dataclass(frozen=True, slots=True)
class Level:
    """One outcome of a comparison, with its m and u probabilities."""

    name: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A field comparison: its levels, strongest first, and the missing-value policy."""

    field: str
    levels: tuple[Level, ...]
    missing_value: Literal["ignore"] = "ignore"

    def level(self, name: str) -> Level:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise ValueError(
            f"{self.field}: unknown level {name!r}; use one of {[lv.name for lv in self.levels]}"
        )


def _cmp(fieldname: str, *levels: tuple[str, float, float]) -> Comparison:
    return Comparison(fieldname, tuple(Level(*lv) for lv in levels))


#: The default model. m values are set from how sources differ in practice (a
#: person keeps one name but several addresses); u values are defaults that the
#: matcher replaces with frequencies from the user's own data where it can.
MODEL: dict[str, Comparison] = {
    c.field: c
    for c in (
        _cmp(
            "given",
            ("exact", 0.80, 0.01),
            ("spelling", 0.05, 0.002),
            ("variant", 0.07, 0.003),
            ("initial", 0.03, 0.05),
            ("fuzzy", 0.01, 0.002),
            ("close", 0.002, 0.004),
            ("none", 0.02, 0.92),
        ),
        _cmp(
            "surname",
            ("exact", 0.86, 0.001),
            ("spelling", 0.03, 0.0005),
            ("maiden", 0.03, 0.0005),
            ("part", 0.03, 0.001),
            ("fuzzy", 0.02, 0.002),
            ("close", 0.008, 0.0035),
            ("none", 0.03, 0.99),
        ),
        _cmp("middle", ("agree", 0.5, 0.05), ("initial", 0.4, 0.1), ("none", 0.1, 0.85)),
        _cmp("email", ("agree", 0.6, 1e-5), ("none", 0.4, 1.0)),
        _cmp("phone", ("agree", 0.6, 1e-5), ("none", 0.4, 1.0)),
        _cmp("profile", ("agree", 0.98, 1e-6), ("none", 0.002, 1.0)),
        _cmp(
            "handle",
            ("same", 0.3, 1e-4),
            ("fits", 0.4, 0.003),
            ("weak", 0.2, 0.03),
            ("none", 0.4, 0.97),
        ),
        _cmp("company", ("agree", 0.25, 0.01), ("none", 0.75, 0.99)),
    )
}


@dataclass(slots=True)
class Rec:
    """A record prepared for comparison (a query or an identity)."""

    id: str
    display: str
    name: ParsedName
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    slugs: frozenset[str] = frozenset()
    usernames: frozenset[str] = frozenset()
    """Handles and profile slugs, as written by the person."""
    company: str = ""
    mail_users: frozenset[str] = frozenset()
    """Local parts of the e-mail addresses (fit to names, never equal-compared)."""
    fit_handles: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    """Every username and mail local part, prepared once: its user part, that part's
    letter tokens (for :func:`tokens_fit`) and the handle's own tokens joined."""
    compact: frozenset[str] = frozenset()
    """Compact forms of the usernames (joined tokens, long tokens), prepared once."""


def make_rec(
    rid: str,
    *,
    name: str = "",
    first: str = "",
    last: str = "",
    emails: list[str] | tuple = (),
    phones: list[str] | tuple = (),
    urls: list[str] | tuple = (),
    handles: list[str] | tuple = (),
    company: str = "",
    key: str = "",
) -> Rec:
    """Prepare a record; ``first``/``last`` are used when ``name`` is empty."""
    display = name or f"{first} {last}".strip()
    pn = parse_name(display)
    if not name and first and last:
        pn = ParsedName(fold(first), "", fold(last))
    slugs = {s for s in (profile_slug(u) for u in urls) if s}
    if key.startswith("in/"):
        slugs.add(key[3:].lower())
    mails = {e for e in (normalize_email(x) for x in emails) if e}
    users = {handle_username(h) for h in handles} | slugs
    usernames = frozenset(u for u in users if u)
    mail_users = frozenset(e.split("@")[0] for e in mails)
    return Rec(
        rid,
        display,
        pn,
        frozenset(mails),
        frozenset(k for k in (phone_key(p) for p in phones) if k),
        frozenset(slugs),
        usernames,
        fold(company),
        mail_users,
        *_prepare_handles(usernames, mail_users),
    )


def _prepare_handles(
    usernames: frozenset[str], mail_users: frozenset[str]
) -> tuple[tuple[tuple[str, tuple[str, ...], str], ...], frozenset[str]]:
    """:attr:`Rec.fit_handles` (in the order of ``usernames | mail_users``, which
    breaks ties between equal fits as before) and :attr:`Rec.compact`; each handle
    is split into tokens once."""
    fit = []
    compact: set[str] = set()
    for h in usernames | mail_users:
        own = tuple(sys.intern(t) for t in _tokens(h))
        user = handle_username(h)
        if user == h:  # nearly always: one string and one tuple, not two equal ones
            user, toks = h, own
        else:
            toks = tuple(sys.intern(t) for t in _tokens(user))
        joined = "".join(own)
        fit.append((user, toks, joined))
        if h in usernames:
            compact.add(joined)
            compact.update(t for t in own if len(t) >= 5)
    compact.discard("")
    return tuple(fit), (frozenset(compact) if compact else _EMPTY)


@dataclass(slots=True)
class Scored:
    """The outcome of comparing two records: total weight and per-field parts."""

    weight: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    conflict: bool = False

    def add(self, comp: str, weight: float, reason: str) -> None:
        self.weight += weight
        self.parts[comp] = round(self.parts.get(comp, 0.0) + weight, 2)
        if reason:
            self.reasons.append(reason)


_GIVEN_STRONG = frozenset(("exact", "spelling", "variant"))
_SURNAME_STRONG = frozenset(("exact", "spelling", "maiden", "part"))
_TF_LEVELS = {"given": ("exact",), "surname": ("exact", "spelling")}
#: Penalty (bits) for reading one record's given and family names in the other order.
SWAP_PENALTY = 1.0


def _levels(a: ParsedName, b: ParsedName) -> tuple[str, str, str, str]:
    """Given-name and surname levels (with reasons) of two parsed names, as written."""
    g, gwhy = given_level(a.first, b.first)
    if g in ("none", "initial") and (a.nickname or b.nickname):
        for x, y in ((a.nickname, b.first), (a.first, b.nickname), (a.nickname, b.nickname)):
            lv = given_level(x, y) if x and y else ("missing", "")
            if lv[0] in _GIVEN_STRONG:
                g, gwhy = "variant", lv[1]
                break
    if g == "none" and close_spelling(a.first, b.first):
        g = "close"
    s, swhy = surname_level(a, b)
    if s == "none" and close_spelling(a.last, b.last):
        s = "close"
    return g, gwhy, s, swhy


_LEVEL = {(c.field, lv.name): lv for c in MODEL.values() for lv in c.levels}


def _level_weight(comp: str, level: str, u_tf: float | None, lone: bool = False) -> float:
    if level == "missing":
        return 0.0
    lv = _LEVEL[comp, level]
    u = u_tf if (u_tf and level in _TF_LEVELS[comp]) else lv.u
    if lone:  # a lone word may be a given name or a surname: never rarer than the default
        u = max(u, lv.u)
    return math.log2(lv.m / u)


def _joined(pn: ParsedName) -> list[ParsedName]:
    """Readings of a three-part name with a stray space: ``El Ton Noble``, ``Mia Kam P``."""
    if not pn.middle or " " in pn.middle:
        return []
    out = []
    if min(len(pn.first), len(pn.middle)) <= 4:
        out.append(ParsedName(pn.first + pn.middle, "", pn.last, pn.maiden))
    if min(len(pn.middle), len(pn.last)) <= 4 and " " not in pn.last:
        out.append(ParsedName(pn.first, "", pn.middle + pn.last, pn.maiden))
    return out


def _alternatives(
    a: ParsedName, b: ParsedName, *, swap: bool
) -> list[tuple[ParsedName, ParsedName, float, bool]]:
    """Other readings of a weakly agreeing pair, each with a penalty in bits.

    A stray space inside a name (joined back), a single word that may be a
    surname (``Akkermans``), and given and family names in the other order
    (``Noble Jack`` for ``Jack Noble``). The flag says a word moved to another
    role (a lone word read as a surname, a swap): its frequency in any role counts.
    """
    alts: list[tuple[ParsedName, ParsedName, float, bool]] = []
    for x, y, flip in ((a, b, False), (b, a, True)):
        for j in _joined(x):
            alts.append((y, j, 0.0, False) if flip else (j, y, 0.0, False))
        if x.first and not x.last and not x.middle and y.last:
            lone = ParsedName("", "", x.first)
            alts.append((y, lone, 0.0, True) if flip else (lone, y, 0.0, True))
    if (
        swap
        and a.first
        and a.last
        and b.first
        and b.last
        # the other order can only agree well if one crossed pair starts alike
        and (a.first[0] == b.last[0] or a.last[0] == b.first[0])
    ):
        # Both ways round, so that the comparison stays symmetric.
        alts.append((ParsedName(a.last, a.middle, a.first, a.maiden), b, SWAP_PENALTY, True))
        alts.append((a, ParsedName(b.last, b.middle, b.first, b.maiden), SWAP_PENALTY, True))
    return alts


#: ``u_word(word, comp)``: the u of an identity's name word agreeing in a role that is
#: not (or not known to be) its own, from how often it is held in any role.
WordU = Callable[[str, str], float]


def _weights(
    g: str,
    s: str,
    y: ParsedName,
    u_given: float | None,
    u_last: float | None,
    lone: bool,
    u_word: WordU | None,
) -> tuple[float, float]:
    """Given-name and surname weights of levels ``g``, ``s``; ``y`` is the identity's side."""
    if u_word is None or not lone:
        return _level_weight("given", g, u_given, lone), _level_weight("surname", s, u_last, lone)
    # The word's role is unknown or moved: a name held by one identity in any role
    # identifies it, a name many hold as a given name or surname does not.
    ug = u_word(y.first, "given") if g in _TF_LEVELS["given"] else None
    us = u_word(y.last, "surname") if s in _TF_LEVELS["surname"] else None
    return _level_weight("given", g, ug), _level_weight("surname", s, us)


def _name_part(
    sc: Scored,
    a: ParsedName,
    b: ParsedName,
    u_given: float | None,
    u_last: float | None,
    u_word: WordU | None = None,
) -> None:
    g, gwhy, s, swhy = _levels(a, b)
    lone = not (a.last and b.last)
    wg, ws = _weights(g, s, b, u_given, u_last, lone, u_word)
    note = ""
    if g not in _GIVEN_STRONG or s not in _SURNAME_STRONG:
        best = wg + ws
        for x, y, penalty, crossed in _alternatives(a, b, swap=g not in _GIVEN_STRONG):
            g2, gwhy2, s2, swhy2 = _levels(x, y)
            if g2 not in _GIVEN_STRONG and s2 not in _SURNAME_STRONG:
                continue  # another reading must make at least one name agree well
            w2g, w2s = _weights(g2, s2, y, u_given, u_last, lone or crossed, u_word)
            if w2g + w2s - penalty > best:
                best = w2g + w2s - penalty
                g, gwhy, s, swhy, wg, ws = g2, gwhy2, s2, swhy2, w2g, w2s - penalty
                note = "given and family names in the other order" if penalty else ""
        if note:
            gwhy, swhy = "", ""
    if g != "missing":
        sc.add("given", wg, gwhy)
    if s != "missing":
        sc.add("surname", ws, swhy)
    if note:
        sc.reasons.append(note)
    if a.middle and b.middle:
        ma, mb = a.middle.split()[0], b.middle.split()[0]
        lvl = "agree" if ma == mb else ("initial" if ma[0] == mb[0] else "none")
        why = {
            "agree": f"same middle name ({ma.title()})",
            "initial": "middle initial fits",
            "none": "different middle names",
        }[lvl]
        sc.add("middle", MODEL["middle"].level(lvl).weight, why)


def _set_part(sc: Scored, comp: str, a: frozenset, b: frozenset, what: str) -> None:
    if not a or not b:
        return
    common = a & b
    lv = MODEL[comp].level("agree" if common else "none")
    why = f"same {what} ({sorted(common)[0]})" if common else ""
    sc.add(comp, lv.weight, why)
    if comp == "profile" and not common:
        sc.conflict = True
        sc.reasons.append(f"but a different LinkedIn profile ({', '.join(sorted(b))})")


_EMPTY: frozenset[str] = frozenset()


_HANDLE_W = {lv.name: lv.weight for lv in MODEL["handle"].levels}


def _handle_part(sc: Scored, a: Rec, b: Rec) -> None:
    if a.usernames and b.usernames and not (a.slugs & b.slugs) and not (a.emails & b.emails):
        same = a.compact & b.compact
        if same:
            sc.add("handle", _HANDLE_W["same"], f"same username ({sorted(same)[0]})")
            return
    if not (a.fit_handles or b.fit_handles) or not (a.display and b.display):
        return
    best, best_user, best_why = 0.0, "", ""
    for handles, y in ((a.fit_handles, b.display), (b.fit_handles, a.display)):
        for user, toks, _ in handles:
            score, why = tokens_fit(toks, y)
            if score > best:
                best, best_user, best_why = score, user, why
    lvl = "fits" if best >= 0.8 else "weak" if best >= 0.5 else "none"
    w = _HANDLE_W[lvl]
    if a.name.first and a.name.last and b.name.first and b.name.last:
        # Both names are known: a handle made from the name mostly repeats the name
        # comparison (the fields are not independent), so it counts little.
        w = min(w, 2.0)
    sc.add("handle", w, fit_reason(best_user, best_why) if lvl != "none" else "")


def compare(
    a: Rec,
    b: Rec,
    *,
    u_given: float | None = None,
    u_last: float | None = None,
    u_word: WordU | None = None,
    name_memo: dict | None = None,
) -> Scored:
    """Compare two records field by field; ``u_*`` are term-frequency u values for b's names.

    ``u_word(word, comp)`` weighs a name of b that agrees in an unknown or moved
    role (a lone word, a swap) by how often the store holds it in any role;
    without it such an agreement counts at most as much as the default u allows.
    ``name_memo`` is a dict kept while one record ``a`` is compared with many
    (the ``u_*`` depending only on b's name): the name comparison is made once per
    distinct parsed name of b (namesakes among the candidates).

    Examples:
        >>> sc = compare(make_rec("q", name="Bob Smith"), make_rec("i", name="Robert Smith"))
        >>> sc.reasons
        ['Bob is a form of Robert', 'same surname (Smith)']
    """
    sc = compare_above(
        a, b, None, u_given=u_given, u_last=u_last, u_word=u_word, name_memo=name_memo
    )
    assert sc is not None  # without a floor there is always a result
    return sc


def rest_bound(a: Rec, b: Rec) -> float:
    """The most that the fields other than the name can add to :func:`compare`'s weight.

    E-mail, phone and profile are counted exactly (a set intersection each); the
    handle at the level it would reach at best (a fit counts 2 bits at most when both
    names are known); an agreeing organisation when both have one.
    """
    w = 0.0
    if a.emails and b.emails:
        w += _SET_W["email"][bool(a.emails & b.emails)]
    if a.phones and b.phones:
        w += _SET_W["phone"][bool(a.phones & b.phones)]
    if a.slugs and b.slugs:
        w += _SET_W["profile"][bool(a.slugs & b.slugs)]
    if a.fit_handles or b.fit_handles:
        if (
            a.usernames
            and b.usernames
            and not (a.slugs & b.slugs)
            and not (a.emails & b.emails)
            and a.compact & b.compact
        ):
            w += _HANDLE_W["same"]
        elif a.display and b.display:
            fits = _HANDLE_W["fits"]
            if a.name.first and a.name.last and b.name.first and b.name.last:
                fits = min(fits, 2.0)
            w += fits
    if a.company and b.company:
        w += _MAX_REST["company"]
    return w


def compare_above(
    a: Rec,
    b: Rec,
    floor: float | None,
    *,
    u_given: float | None = None,
    u_last: float | None = None,
    u_word: WordU | None = None,
    name_memo: dict | None = None,
) -> Scored | None:
    """:func:`compare`, or None as soon as the weight cannot reach ``floor``: after the
    names, when their weight plus :func:`rest_bound` is below it. A matcher looking
    only for probable matches skips the other fields of the many weak candidates."""
    if name_memo is None:
        sc = Scored()
        _name_part(sc, a.name, b.name, u_given, u_last, u_word)
    else:
        hit = name_memo.get(b.name)
        if hit is None:
            sc = Scored()
            _name_part(sc, a.name, b.name, u_given, u_last, u_word)
            name_memo[b.name] = (sc.weight, dict(sc.parts), list(sc.reasons))
        elif floor is not None and hit[0] + rest_bound(a, b) < floor:
            return None
        else:
            sc = Scored(hit[0], dict(hit[1]), list(hit[2]))
    if floor is not None and sc.weight + rest_bound(a, b) < floor:
        return None
    _set_part(sc, "email", a.emails, b.emails, "e-mail")
    _set_part(sc, "phone", a.phones, b.phones, "phone")
    _set_part(sc, "profile", a.slugs, b.slugs, "LinkedIn profile")
    _handle_part(sc, a, b)
    if a.company and b.company:
        agree = fuzz.token_set_ratio(a.company, b.company) >= 90
        sc.add(
            "company",
            MODEL["company"].level("agree" if agree else "none").weight,
            f"same organisation ({b.company.title()})" if agree else "",
        )
    return sc


_MAX_REST = {c: max(lv.weight for lv in MODEL[c].levels) for c in MODEL}
#: Weight of a set field (e-mail, phone, profile) without and with a common value.
_SET_W = {
    c: (MODEL[c].level("none").weight, MODEL[c].level("agree").weight)
    for c in ("email", "phone", "profile")
}


def probability(weight: float, log2_prior_odds: float) -> float:
    """The match probability from a total weight and the prior odds (log2)."""
    x = weight + log2_prior_odds
    if x > 60:
        return 1.0
    if x < -60:
        return 0.0
    return 2.0**x / (1.0 + 2.0**x)


__all__ = [
    "MODEL",
    "Comparison",
    "Level",
    "Rec",
    "Scored",
    "compare",
    "compare_above",
    "make_rec",
    "probability",
    "rest_bound",
]
