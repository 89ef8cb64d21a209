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

from havewemet.identity.names import ParsedName, fold, given_level, parse_name
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


def _tokens(username: str) -> list[str]:
    """Letter runs of a username, with a LinkedIn id suffix and digits dropped."""
    # A plain lower-case ASCII handle is its own fold.
    text = username if _PLAIN_HANDLE.fullmatch(username) else fold(username)
    parts = [p for p in _HANDLE_SEP.split(text) if p]
    if len(parts) > 1 and _SLUG_ID.match(parts[-1]):
        parts.pop()
    return [t for t in (re.sub(r"[^a-z]", "", p) for p in parts) if t]


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
