"""Profile URLs, social handles, e-mail addresses and phones as comparable keys (issue 3).

Also scores how well a handle (a LinkedIn slug, an X/Mastodon/Bluesky username,
a mail local part) fits a person's name: ``jdoe84``, ``doe.jane`` and ``j_doe``
all fit "Jane Doe"; ``jdoe84`` fits "John Doe" too, which is why a handle alone
is weak evidence.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from havewemet.identity.names import (
    _CREDENTIAL_WORDS,
    _TITLES,
    ParsedName,
    fold,
    given_form_agree,
    given_level,
    parse_name,
    surname_level,
)
from havewemet.normalize import normalize_email, phone_key, profile_slug, social_handle  # noqa: F401

_SOCIAL_HOSTS = (
    "twitter.com",
    "x.com",
    "bsky.app",
    "github.com",
    "instagram.com",
    "threads.net",
    "facebook.com",
)
_BLUESKY_SUFFIX = ".bsky.social"
_SLUG_ID = re.compile(r"^(?=.*\d)[0-9a-f]{4,}$|^\d+$")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_PARTICLES = ("van", "von", "der", "den", "de", "del", "di", "da", "le", "la")


def handle_username(handle: str) -> str:
    """The user-chosen part of a handle, URL or address, lower-cased.

    Examples:
        >>> handle_username("@jdoe@mastodon.social"), handle_username("https://x.com/JaneDoe")
        ('jdoe', 'janedoe')
        >>> handle_username("jane-doe.bsky.social"), handle_username("doe.jane+news@example.org")
        ('jane-doe', 'doe.jane')
        >>> handle_username("https://www.linkedin.com/in/jane-doe-4a1b2c3")
        'jane-doe-4a1b2c3'
    """
    h = (handle or "").strip().lower()
    if not h:
        return ""
    slug = profile_slug(h) if "linkedin" in h else ""
    if slug:
        return slug
    if "://" in h or h.startswith(("www.", *_SOCIAL_HOSTS)):
        try:
            parts = urlsplit(h if "://" in h else "https://" + h)
            path = [p for p in parts.path.split("/") if p]
        except ValueError:
            return ""
        if path and path[0] == "profile" and len(path) > 1:  # bsky.app/profile/x.bsky.social
            return handle_username(path[1])
        return handle_username(path[-1]) if path else ""
    h = h.lstrip("@")
    if "@" in h:  # mastodon user@instance or an e-mail address
        h = h.split("@", 1)[0]
        h = h.split("+", 1)[0]
    elif h.endswith(_BLUESKY_SUFFIX):
        h = h[: -len(_BLUESKY_SUFFIX)]
    return unquote(h)


_PLAIN_HANDLE = re.compile(r"[a-z0-9._+-]+")
_HANDLE_SEP = re.compile(r"[._\-+]+")
_NOT_LETTER = re.compile(r"[^a-z]")


def _tokens(username: str) -> list[str]:
    """Letter runs of a username, with a LinkedIn id suffix and digits dropped."""
    # A plain lower-case ASCII handle is its own fold.
    text = username if _PLAIN_HANDLE.fullmatch(username) else fold(username)
    parts = [p for p in _HANDLE_SEP.split(text) if p]
    if len(parts) > 1 and _SLUG_ID.match(parts[-1]):
        parts.pop()
    return [t for t in (_NOT_LETTER.sub("", p) for p in parts) if t]


@lru_cache(maxsize=100_000)
def name_handle_forms(name: ParsedName) -> tuple[tuple[str, float, str], ...]:
    """Compact strings a person with this name might choose, with a fit score and why."""
    first = re.sub(r"[^a-z]", "", name.first)
    if not name.last or not first:
        lone = re.sub(r"[^a-z]", "", name.last or name.first)
        return ((lone, 0.5, "the name"),) if len(lone) >= 3 else ()
    lasts = {re.sub(r"[^a-z]", "", name.last)}
    words = [w for w in re.split(r"[\s\-]+", name.last) if w and w not in _PARTICLES]
    lasts |= set(words)
    if name.maiden:
        lasts.add(re.sub(r"[^a-z]", "", name.maiden))
    mid = "".join(w[0] for w in name.middle.split() if w)
    forms: dict[str, tuple[float, str]] = {}

    def add(s: str, score: float, why: str) -> None:
        if len(s) >= 3 and forms.get(s, (0.0,))[0] < score:
            forms[s] = (score, why)

    for last in lasts - {""}:
        for f, fs in ((first, 1.0), *((n, 0.9) for n in _nick_forms(first))):
            add(f + last, fs, "given name and surname")
            add(last + f, fs * 0.95, "surname and given name")
            add(f + mid + last, fs, "given name, initials and surname")
            add(f + last[0], fs * 0.7, "given name and initial")
            add(last + f[0], fs * 0.8, "surname and initial")
        add(first[0] + last, 0.85, "initial and surname")
        if mid:
            add(first[0] + mid + last, 0.9, "initials and surname")
        add(first[0] + last[0] + (mid or ""), 0.2, "initials")
        add(last, 0.5, "surname only")
    add(first, 0.3, "given name only")
    return tuple((s, sc, why) for s, (sc, why) in forms.items())


def _nick_forms(first: str) -> list[str]:
    from havewemet.identity.names import _NICK

    return [n for n in _NICK.nicknames_of(first) if n.isalpha()][:12]


@lru_cache(maxsize=100_000)
def handle_fit(handle: str, name: str) -> tuple[float, str]:
    """How well a handle fits a name, from 0 (not at all) to 1, with a short reason.

    Examples:
        >>> handle_fit("jane-doe-4a1b2c3", "Jane Doe")[0]
        1.0
        >>> handle_fit("doe.jane@example.org", "Jane Doe")[0] >= 0.9
        True
        >>> handle_fit("jdoe84", "Jane Doe")[0], handle_fit("jdoe84", "Jane Dow")[0]
        (0.85, 0.0)
    """
    user = handle_username(handle)
    score, why = tokens_fit(tuple(_tokens(user)), name)
    return (score, fit_reason(user, why)) if score > 0 else (0.0, "")


def fit_reason(user: str, why: str) -> str:
    """The explanation of a fit :func:`tokens_fit` found for the handle ``user``."""
    return f"handle {user} fits the name ({why})"


@lru_cache(maxsize=100_000)
def _fit_forms(name: str) -> tuple[dict[str, tuple[float, str]], ParsedName, str]:
    """The handle forms of a display name (German umlaut spellings too), its parse and
    its compact surname: what :func:`tokens_fit` needs of the name, built once."""
    pn = parse_name(name)
    forms = {s: (sc, why) for s, sc, why in name_handle_forms(pn)}
    german = name.translate(_UMLAUTS)
    if german != name:  # Müller -> mueller as well as muller
        forms.update({s: (sc, why) for s, sc, why in name_handle_forms(parse_name(german))})
    return forms, pn, re.sub(r"[^a-z]", "", pn.last)


@lru_cache(maxsize=200_000)
def tokens_fit(tokens: tuple[str, ...], name: str) -> tuple[float, str]:
    """:func:`handle_fit` for a handle's prepared :func:`_tokens`: the score and which
    form of the name it is (without the handle, see :func:`fit_reason`).

    Records prepare their handles' tokens once, so comparing a LinkedIn slug with
    many names costs a cached look-up per name, not a parse of the slug.
    """
    if not tokens:
        return 0.0, ""
    forms, pn, last = _fit_forms(name)
    if not (pn.first or pn.last):
        return 0.0, ""
    best = (0.0, "")
    n = len(tokens)
    for i in range(n):
        for j in range(i + 1, min(n, i + 3) + 1):
            compact = "".join(tokens[i:j])
            penalty = 1.0 if (i, j) == (0, n) else 0.9
            hit = forms.get(compact)
            if hit and hit[0] * penalty > best[0]:
                best = (round(hit[0] * penalty, 3), hit[1])
    if best[0] < 0.85 and n == 2 and pn.first and pn.last:
        # "bob-smith", "jose.muller": a given-name form plus the surname, in either order.
        for g, s in ((tokens[0], tokens[1]), (tokens[1], tokens[0])):
            if s == last and given_level(g, pn.first)[0] in ("spelling", "variant"):
                best = (0.9, "a form of the given name")
    return best


# A trailing token of a LinkedIn profile address that is an id, not a name: any
# token with a digit (``3b2a1``, ``7a``, ``99``) or six or more hex letters.
_ID_TOKEN = re.compile(r"^(?=[a-z]*\d)[a-z0-9]+$|^[0-9a-f]{6,}$")
_LETTERS = re.compile(r"^[a-z]+$")
_GIVEN_AGREE = frozenset(("exact", "spelling", "variant"))
_SURNAME_AGREE = frozenset(("exact", "spelling", "maiden", "part"))


def _slug_words(slug: str) -> list[str] | None:
    """The name words of a profile slug: split on hyphens (and ``_``, ``.``), trailing
    id tokens, credentials and leading titles dropped; None when a word left holds
    anything but letters (``salesguru99``, ``j0hn-smith``)."""
    words = [w for w in re.split(r"[-_.]+", fold(slug).replace("'", "")) if w]
    while len(words) > 1 and (_ID_TOKEN.match(words[-1]) or words[-1] in _CREDENTIAL_WORDS):
        words.pop()
    while words and words[0] in _TITLES:
        words.pop(0)
    if not all(_LETTERS.match(w) for w in words):
        return None
    return words


def _given_tie(word: str, d: ParsedName) -> str:
    """How a slug's word agrees with the display name's given name: ``same`` (as
    written, or one of its forms in another script or language), ``form`` (a
    spelling, a nickname or a cognate) or ``""``."""
    if len(word) < 2 or len(d.first.strip(".")) < 2:
        return ""
    if word == d.first or given_form_agree(ParsedName(word, "", ""), d):
        return "same"
    level = given_level(word, d.first)[0]
    if level == "exact":
        return "same"
    if level in _GIVEN_AGREE or (d.nickname and given_level(word, d.nickname)[0] in _GIVEN_AGREE):
        return "form"
    return ""


def _surname_tie(word: str, d: ParsedName) -> bool:
    """Whether a slug's word is the display name's surname, in any form it is written."""
    return bool(d.last) and surname_level(ParsedName("", "", word), d)[0] in _SURNAME_AGREE


def as_displayed(slug: str, display: ParsedName) -> bool:
    """Whether a slug is the display name as it is (``first-last``, and perhaps one
    suffix): most are, and :func:`profile_form` finds nothing in them. Plain string
    tests, for the preparation of every identity."""
    first, middle, last = display[:3]
    head = f"{first}-{last}"
    if not slug.startswith(head) or not first or not last or middle:
        return False
    n = len(head)
    return len(slug) == n or (slug[n] == "-" and slug.find("-", n + 1) < 0)


def _display_words(d: ParsedName) -> list[str]:
    return [w for w in re.split(r"[\s\-']+", f"{d.first} {d.middle} {d.last}") if w]


@lru_cache(maxsize=100_000)
def profile_form(slug: str, display: ParsedName) -> tuple[ParsedName, str] | None:
    """The other form of a person's name that their LinkedIn profile address carries
    (issue 12), with the slug's name words for the explanation; None when the address
    says nothing new or nothing sure.

    A slug is made from the name a member first gave, so it often holds another form
    of the name they show now: romanised (``Юлия Иванова``, ``yulia-ivanova``),
    anglicised (``Siobhán Ní Bhriain``, ``joan-obrien``), a full given name or a
    maiden name (``Kate Smith``, ``katherine-jones-smith``). It is read as a name only
    when it is tied to the display name, so that a slug that is someone else's name, a
    company or a vanity word never makes a match: the given name (first word, or the
    second of two when the family name is written first) must be the display name's
    given name in one of its forms, and when it is only a nickname or cognate
    (Kate/Katherine) the surname must agree too. Of three words, one that is the
    display surname keeps the other as a second surname when it comes first
    (a maiden name) and drops it when it comes after (a company, a place). A single
    word (``jdoe``, ``salesguru99``) is not read as a name. A trailing id
    (``-3b2a1``), a credential (``-phd``) and a leading title (``dr-``) are dropped.

    Examples:
        >>> form, label = profile_form("katherine-jones-smith-3b2a1", parse_name("Kate Smith"))
        >>> form.first, form.last, form.maiden, label
        ('katherine', 'smith', 'jones', 'katherine-jones-smith')
        >>> profile_form("john-smith-acme", parse_name("Jane Doe")) is None
        True
        >>> profile_form("jane-doe-4a1b2c3", parse_name("Jane Doe")) is None  # the same name
        True
    """
    d = display
    if not d.first:
        return None
    words = _slug_words(slug)
    if words is None or not 2 <= len(words) <= 3:
        return None
    shown = _display_words(d)
    if words == shown or words[:-1] == shown:  # the name as displayed (and a suffix)
        return None
    label = "-".join(words)
    readings = [(words[0], words[1:], False)]
    if len(words) == 2:  # the family name written first: ivanova-yulia
        readings.append((words[1], words[:1], True))
    for given, rest, swapped in readings:
        tie = _given_tie(given, d)
        if not tie:
            continue
        middle = maiden = ""
        if len(rest) == 1:
            last = rest[0]
            tied = _surname_tie(last, d)
        elif _surname_tie(rest[1], d):  # katherine-jones-smith for Kate Smith
            last, tied = rest[1], True
            if d.middle and rest[0][0] == d.middle[0]:
                middle = rest[0]
            elif len(rest[0]) == 1:
                middle = rest[0]
            else:
                maiden = rest[0]
        elif _surname_tie(rest[0], d):  # john-smith-acme for John Smith
            last, tied = rest[0], True
        else:
            continue  # three words and no surname of the display name: not sure enough
        if not tied and (tie == "form" or swapped):
            # Kate Smith and katherine-jones, or Zhang Wei and david-zhang read family
            # name first: too little ties the address to the name.
            continue
        form = ParsedName(given, middle, last, maiden)
        if (given, last, maiden) == (d.first, d.last, d.maiden) or (
            given == d.first and last == d.last and not maiden
        ):
            return None  # the name as displayed: nothing new
        return form, label
    return None
