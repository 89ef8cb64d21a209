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

import sys
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from havewemet.identity.compare_names import SWAP_PENALTY, WordU, _name_part
from havewemet.identity.handles import (
    _tokens,
    as_displayed,
    fit_reason,
    handle_username,
    profile_form,
    tokens_fit,
)
from havewemet.identity.model import (
    _HANDLE_W,
    _MAX_REST,
    _SET_W,
    MODEL,
    Comparison,
    Level,
    Scored,
    probability,
)
from havewemet.identity.names import ParsedName, fold, parse_name
from havewemet.normalize import normalize_birthday, normalize_email, phone_key, profile_slug


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
    birthday: str = ""
    """``YYYY-MM-DD`` or ``--MM-DD`` (:func:`~havewemet.normalize.normalize_birthday`)."""


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
    birthday: str = "",
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
        normalize_birthday(birthday) if birthday else "",
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


def _set_part(sc: Scored, comp: str, a: frozenset, b: frozenset, what: str) -> None:
    if not a or not b:
        return
    common = a & b
    if not common and comp == "email" and sc.parts.get("given", 0.0) > _GIVEN_NONE_W + 0.01:
        slip = email_slip(a, b)
        if slip:
            sc.add(comp, _EMAIL_SLIP_W, f"e-mail {slip[0]} is a slip of {slip[1]}")
            return
    lv = MODEL[comp].level("agree" if common else "none")
    why = f"same {what} ({sorted(common)[0]})" if common else ""
    sc.add(comp, lv.weight, why)
    if comp == "profile" and not common:
        sc.conflict = True
        sc.reasons.append(f"but a different LinkedIn profile ({', '.join(sorted(b))})")


def email_slip(a: frozenset[str], b: frozenset[str]) -> tuple[str, str] | None:
    """Two addresses, one of each set, with the same user name at domains one or two
    letters apart (a slip of the keyboard in an address typed by hand), or None.

    Only the domain: user names a letter or two apart at one domain are, as often as
    not, colleagues named by one scheme (``e.smith18@``, ``n.smith12@``; a couple's
    ``mjones@``, ``kjones@``). A user name under five characters is too short to
    tell one person (``ann@``, ``info@``).

    Examples:
        >>> a, b = frozenset({"t.m39@brooks-sawer.com"}), frozenset({"t.m39@brooks-sawyer.com"})
        >>> email_slip(a, b)
        ('t.m39@brooks-sawer.com', 't.m39@brooks-sawyer.com')
        >>> email_slip(frozenset({"e.smith18@x.org"}), frozenset({"n.smith12@x.org"})) is None
        True
    """
    for x in sorted(a):
        user, _, domain = x.rpartition("@")
        if len(user) < 5:
            continue
        for y in sorted(b):
            other, _, domain2 = y.rpartition("@")
            if other == user and Levenshtein.distance(domain, domain2, score_cutoff=2) <= 2:
                return x, y
    return None


def birthday_level(a: str, b: str) -> str:
    """How two birthdays (``YYYY-MM-DD`` or ``--MM-DD``) agree: ``exact``, ``day`` (the
    same day and month, a year unknown), ``close`` (a character off, day and month
    swapped, or the year one off), ``year``, ``decade`` (within ten years), ``none``, or
    ``missing``.

    Examples:
        >>> birthday_level("1971-05-24", "1971-06-24"), birthday_level("--05-24", "1971-05-24")
        ('close', 'day')
    """
    if not a or not b:
        return "missing"
    if a == b:
        return "exact"
    if a[-5:] == b[-5:] and (a.startswith("-") or b.startswith("-")):
        return "day"
    if a.startswith("-") or b.startswith("-"):
        return "decade"  # another day, and no year to tell more
    ya, yb = int(a[:4]), int(b[:4])
    if (
        DamerauLevenshtein.distance(a, b, score_cutoff=1) <= 1
        or (ya == yb and a[5:7] == b[8:] and a[8:] == b[5:7])
        or (abs(ya - yb) == 1 and a[5:] == b[5:])
    ):
        return "close"
    if ya == yb:
        return "year"
    return "decade" if abs(ya - yb) <= 10 else "none"


_BIRTHDAY_W = {lv.name: lv.weight for lv in MODEL["birthday"].levels}


def _birthday_part(sc: Scored, a: Rec, b: Rec) -> None:
    lvl = birthday_level(a.birthday, b.birthday)
    if lvl == "missing":
        return
    why = {
        "exact": f"same birthday ({b.birthday})",
        "day": f"same birthday ({b.birthday[-5:]})",
        "close": f"birthday {a.birthday} close to {b.birthday}",
        "none": f"but another birthday ({a.birthday}, {b.birthday})",
    }.get(lvl, "")
    sc.add("birthday", _BIRTHDAY_W[lvl], why)


_EMPTY: frozenset[str] = frozenset()
_GIVEN_NONE_W = MODEL["given"].level("none").weight
_EMAIL_SLIP_W = MODEL["email"].level("slip").weight


def _handle_part(a: Rec, b: Rec, *, fits: bool = True) -> tuple[float, str] | None:
    """The handle comparison's weight and reason (None: not compared). Without
    ``fits``, only the same username counts: the name was read from the handle."""
    if a.usernames and b.usernames and not (a.slugs & b.slugs) and not (a.emails & b.emails):
        same = a.compact & b.compact
        if same:
            return _HANDLE_W["same"], f"same username ({sorted(same)[0]})"
    if not fits or not (a.fit_handles or b.fit_handles) or not (a.display and b.display):
        return None
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
    return w, fit_reason(best_user, best_why) if lvl != "none" else ""


#: A name comparison's weight, parts and reasons (kept per parsed name in a memo).
_Names = tuple[float, dict[str, float], list[str]]


def _names(
    a: ParsedName,
    b: ParsedName,
    u_given: float | None,
    u_last: float | None,
    u_word: WordU | None,
    why: str = "",
) -> _Names:
    sc = Scored()
    if why:
        sc.reasons.append(why)
    _name_part(sc, a, b, u_given, u_last, u_word)
    return sc.weight, sc.parts, sc.reasons


def rec_profile_form(rec: Rec) -> tuple[ParsedName, str] | None:
    """The other form of the name a record's LinkedIn profile address carries
    (:func:`~havewemet.identity.handles.profile_form`), or None."""
    return slugs_form(rec.slugs, rec.name)


def slugs_form(slugs: frozenset[str], name: ParsedName) -> tuple[ParsedName, str] | None:
    """:func:`rec_profile_form` of a record's slugs and parsed name."""
    for slug in sorted(slugs) if len(slugs) > 1 else slugs:
        if as_displayed(slug, name):
            continue
        form = profile_form(slug, name)
        if form is not None:
            return form
    return None


def _form_reason(label: str) -> str:
    return f"name from the profile address: {label}"


def _name_scores(
    a: Rec,
    b: Rec,
    form: tuple[ParsedName, str] | None,
    u_given: float | None,
    u_last: float | None,
    u_word: WordU | None,
) -> tuple[_Names, _Names | None]:
    """The names compared as displayed, and ``form`` (a's name form from its profile
    address) compared with b's name (issue 12)."""
    own = _names(a.name, b.name, u_given, u_last, u_word)
    if form is None:
        return own, None
    return own, _names(form[0], b.name, u_given, u_last, u_word, _form_reason(form[1]))


_FORM = "form"  # a's profile address's name form, kept in a name memo (keyed by names)


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
        if a.emails & b.emails:
            w += _SET_W["email"][True]
        else:
            w += _EMAIL_SLIP_W if email_slip(a.emails, b.emails) else _SET_W["email"][False]
    if a.birthday and b.birthday:
        w += _BIRTHDAY_W[birthday_level(a.birthday, b.birthday)]
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
    if w > 0 and ("-" in a.name.last + b.name.last or " " in a.name.last + b.name.last):
        w += _EXACT_W - _PART_W  # a double surname's part made whole (_double_barrelled)
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
        form = rec_profile_form(a) if a.slugs and not b.slugs else None
        own, alt = _name_scores(a, b, form, u_given, u_last, u_word)
    else:
        hit = name_memo.get(b.name)
        if hit is None:
            if _FORM in name_memo:
                form = name_memo[_FORM]
            else:
                form = name_memo[_FORM] = rec_profile_form(a) if a.slugs else None
            hit = name_memo[b.name] = _name_scores(a, b, form, u_given, u_last, u_word)
        own, alt = hit
    if alt is not None and b.slugs:
        alt = None  # the same profile address decides, and another one is a conflict
    if b.slugs and not a.slugs:  # b's profile address may carry another form of its name
        form = rec_profile_form(b)
        if form is not None:
            ug = u_word(form[0].first, "given") if u_word and form[0].first else None
            ul = u_word(form[0].last, "surname") if u_word and form[0].last else None
            other = _names(a.name, form[0], ug, ul, u_word, _form_reason(form[1]))
            if alt is None or other[0] > alt[0]:
                alt = other
    if floor is not None:
        best = own[0] if alt is None else max(own[0], alt[0])
        if best + rest_bound(a, b) < floor:
            return None
    handle = _handle_part(a, b)
    # The better of the two name forms; the profile address's form only when it
    # outweighs the displayed name with its handle fit, which it then replaces (the
    # same words, counted once).
    if alt is not None and alt[0] > own[0] + (handle[0] if handle else 0.0):
        own, handle = alt, _handle_part(a, b, fits=False)
    sc = Scored(own[0], dict(own[1]), list(own[2]))
    _set_part(sc, "email", a.emails, b.emails, "e-mail")
    _set_part(sc, "phone", a.phones, b.phones, "phone")
    _birthday_part(sc, a, b)
    _set_part(sc, "profile", a.slugs, b.slugs, "LinkedIn profile")
    if handle is not None:
        sc.add("handle", *handle)
    if a.company and b.company:
        agree = fuzz.token_set_ratio(a.company, b.company) >= 90
        sc.add(
            "company",
            MODEL["company"].level("agree" if agree else "none").weight,
            f"same organisation ({b.company.title()})" if agree else "",
        )
    _double_barrelled(sc)
    return sc


_PART_W = MODEL["surname"].level("part").weight
_EXACT_W = MODEL["surname"].level("exact").weight
_GIVEN_STRONG_W = MODEL["given"].level("variant").weight


def _double_barrelled(sc: Scored) -> None:
    """One part of a double-barrelled surname (Smith-Jones / Jones) counts as the same
    surname when the given name agrees and so does another field (e-mail, phone,
    profile, organisation): the person took or dropped a name (issue 12)."""
    if abs(sc.parts.get("surname", 0.0) - round(_PART_W, 2)) > 0.01:
        return
    if sc.parts.get("given", 0.0) < _GIVEN_STRONG_W - 0.01:
        return
    if any(sc.parts.get(f, 0.0) > 0 for f in ("email", "phone", "profile", "company")):
        sc.add("surname", _EXACT_W - _PART_W, "one part of a double surname, the rest agrees")


__all__ = [
    "MODEL",
    "Comparison",
    "Level",
    "Rec",
    "SWAP_PENALTY",
    "Scored",
    "birthday_level",
    "compare",
    "compare_above",
    "email_slip",
    "make_rec",
    "probability",
    "rec_profile_form",
    "rest_bound",
    "slugs_form",
]
