"""Name comparisons of the identity matcher: given name, surname, middle name (issue 3).

Levels come from :func:`~havewemet.identity.names.given_level` and
:func:`~havewemet.identity.names.surname_level`; a weakly agreeing pair is also read
in other ways (a stray space, a lone word as a surname, the names in the other
order) and the best reading counts. The *exact* levels take their *u* from the
user's own identities (term frequency) when the caller passes one.
"""

from __future__ import annotations

from collections.abc import Callable

from havewemet.identity.model import _TF_LEVELS, MODEL, Scored, _level_weight
from havewemet.identity.names import (
    ParsedName,
    close_spelling,
    given_form_agree,
    given_level,
    surname_level,
)

_GIVEN_STRONG = frozenset(("exact", "spelling", "variant"))
_SURNAME_STRONG = frozenset(("exact", "spelling", "maiden", "part"))
#: Penalty (bits) for reading one record's given and family names in the other order.
SWAP_PENALTY = 1.0


def _levels(a: ParsedName, b: ParsedName) -> tuple[str, str, str, str]:
    """Given-name and surname levels (with reasons) of two parsed names, as written."""
    g, gwhy = given_level(a.first, b.first)
    if g not in ("exact", "missing"):
        why = given_form_agree(a, b)
        if why:
            g, gwhy = "exact", why
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


def _swapped(pn: ParsedName) -> ParsedName:
    """The name read family name first (its other romanisations swapped too)."""
    return ParsedName(pn.last, pn.middle, pn.first, pn.maiden, "", pn.alt_last, pn.alt_first)


def _may_swap(a: ParsedName, b: ParsedName) -> bool:
    """Whether reading one name in the other order could make it agree well: both
    have two names and one crossed pair starts with the same letter."""
    return bool(
        a.first
        and a.last
        and b.first
        and b.last
        and (a.first[0] == b.last[0] or a.last[0] == b.first[0])
    )


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
            if swap and _may_swap(j, y):  # a stray space in a name written family first
                js = ParsedName(j.last, "", j.first, j.maiden)
                alts.append((y, js, SWAP_PENALTY, True) if flip else (js, y, SWAP_PENALTY, True))
        if x.first and not x.last and not x.middle and y.last:
            lone = ParsedName("", "", x.first)
            alts.append((y, lone, 0.0, True) if flip else (lone, y, 0.0, True))
    if a.first and b.first and not (a.last or a.middle or b.last or b.middle):
        # Two lone words: either may be a surname, so the same word agrees as much as
        # it does with a full name's surname (its frequency in any role counts).
        alts.append((ParsedName("", "", a.first), ParsedName("", "", b.first), 0.0, True))
    if swap and _may_swap(a, b):
        # Both ways round, so that the comparison stays symmetric.
        alts.append((_swapped(a), b, SWAP_PENALTY, True))
        alts.append((a, _swapped(b), SWAP_PENALTY, True))
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


__all__ = ["SWAP_PENALTY", "WordU"]
