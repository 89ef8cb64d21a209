"""The fake-profile score: what a profile shows, combined into one score with reasons.

Each fact that is known adds to a log-odds score (an unknown fact adds nothing):

==========================================  ==========  =========================
fact                                        log-odds    why
==========================================  ==========  =========================
no photo                                    +2.0        most fakes and bots skip it
a profile address with random-looking       +1.5        generated accounts
letters, or a long run of digits, or a
username that is mostly digits
a profile address that does not fit the     +1.0        a bought or recycled account
name
a headline of buzzwords or emoji only       +1.0        a template profile
a generic headline ("CEO") or none          +0.5
fewer than 10 connections (or followers)    +1.5        a new or throwaway account
30,000 connections or more (LinkedIn's      +1.0        a connection collector
cap), or following 5 times more accounts
than follow them (and over 300)
no summary or biography                     +0.5
an account created in the last 30 days      +2.0
(last 180 days)                             (+1.0)
==========================================  ==========  =========================

The score is ``1 / (1 + exp(-(PRIOR + sum)))`` with ``PRIOR = -2.5``: nothing known
gives 0.08, one strong reason alone stays below :data:`THRESHOLD` (0.5), two agree
above it. The weights are set by hand from what these facts mean; InstaFake
(non-commercial) only measures them (``bench/eval_signals.py``), it never set them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date

from havewemet.models import PendingRequest, ProfileFacts
from havewemet.normalize import profile_slug

PRIOR = -2.5
THRESHOLD = 0.5
#: Above this the signal is a reason to decline (severity 2).
STRONG = 0.8

#: Words that say nothing about a person's work, alone in a headline.
BUZZWORDS = frozenset(
    """entrepreneur entrepreneurs visionary leader leadership thought influencer innovator
    innovation disruptor disruptive passionate motivated driven dreamer creator creative
    ceo founder cofounder investor investing coach mentor speaker author strategist
    growth hacker hustler hustle mindset success successful millionaire billionaire
    crypto bitcoin nft web3 blockchain ai forex trader trading wealth freedom financial
    marketing digital expert guru ninja rockstar evangelist serial global international
    business owner self made lifestyle networking networker lion opportunity
    opportunities love life god blessed father mother husband wife dog lover
    unternehmer emprendedor emprendedora entrepreneuse dirigeant lider""".split()
)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: LinkedIn's own suffix on a slug (``jane-doe-1b2c3d4e``), which says nothing.
_LINKEDIN_SUFFIX = re.compile(r"-(?:[0-9a-f]{6,10}|\d{1,10})$")
_VOWELS = set("aeiouy")


@dataclass(slots=True)
class ProfileScore:
    """The fake-profile score and the facts behind it, strongest first."""

    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def fake(self) -> bool:
        return self.score >= THRESHOLD


def _random_token(token: str) -> bool:
    """A run of letters that no language would write: ``xkqzt``, ``bvnrtw``. Names
    with long consonant clusters (``hirschfeld``, ``growth``) are not."""
    vowels = sum(c in _VOWELS for c in token)
    return (len(token) >= 4 and not vowels) or (len(token) >= 7 and vowels / len(token) < 0.15)


def address_randomness(slug: str) -> str:
    """Why a profile slug looks generated (``""`` when it does not).

    LinkedIn's own suffix (``-1b2c3d``) is normal and is not counted.

    Examples:
        >>> address_randomness("jane-doe-1b2c3d")
        ''
        >>> address_randomness("xkqzvbt-77")
        "the profile address (xkqzvbt-77) looks random ('xkqzvbt')"
        >>> address_randomness("johnsmith19874521")
        'the profile address (johnsmith19874521) ends in a run of 8 digits'
    """
    if not slug or slug.startswith("acoa"):
        return ""
    body = _LINKEDIN_SUFFIX.sub("", slug.lower())
    runs = re.findall(r"\d+", body)
    longest = max((len(r) for r in runs), default=0)
    if longest >= 5:
        return f"the profile address ({slug}) ends in a run of {longest} digits"
    for token in re.findall(r"[a-z]+", body):
        if _random_token(token):
            return f"the profile address ({slug}) looks random ('{token}')"
    return ""


def headline_emptiness(headline: str) -> str:
    """Why a headline says nothing (``""`` when it says something).

    Examples:
        >>> headline_emptiness("Visionary | Entrepreneur | Crypto 🚀")
        'a headline of buzzwords only'
        >>> headline_emptiness("Archivist at Eastvale Record Office")
        ''
    """
    text = headline.strip()
    if not text:
        return ""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return "a headline of emoji or symbols only"
    if all(w in BUZZWORDS for w in words):
        return "a headline of buzzwords only"
    return ""


def _days_since(created: str | None, today: date) -> int | None:
    if not created:
        return None
    try:
        return (today - date.fromisoformat(created[:10])).days
    except ValueError:
        return None


def profile_score(
    facts: ProfileFacts,
    *,
    today: date | None = None,
    slug_fits: bool | None = None,
    generic_headline: bool = False,
) -> ProfileScore:
    """One fake-profile score from what is known, with its reasons.

    Args:
        facts: what the page, the export or the mail showed.
        today: for the account's age (default: the real date).
        slug_fits: whether the profile address fits the name (the caller's
            :func:`~havewemet.triage.signals.slug_fits_name`), ``None`` if not checked.
        generic_headline: the headline is one of the user's generic headlines.

    Examples:
        >>> s = profile_score(ProfileFacts(name="Ann Lee", has_photo=False, connections=3))
        >>> round(s.score, 2), s.reasons
        (0.73, ['no profile photo', 'only 3 connections'])
        >>> profile_score(ProfileFacts(name="Ann Lee", profile_url="ann-lee-1b2c3d")).fake
        False
    """
    today = today or date.today()
    parts: list[tuple[float, str]] = []
    if facts.has_photo is False:
        parts.append((2.0, "no profile photo"))
    slug = profile_slug(facts.profile_url) if "/" in facts.profile_url else facts.profile_url
    slug = slug.lower()
    if why := address_randomness(slug):
        parts.append((1.5, why))
    elif facts.username_digits is not None and facts.username_digits >= 3:
        length = facts.username_length or 0
        if length and facts.username_digits / length >= 0.3:
            parts.append((1.5, f"a username of {facts.username_digits} digits in {length}"))
        else:
            parts.append((0.75, f"{facts.username_digits} digits in the username"))
    if slug_fits is False:
        parts.append((1.0, f"the profile address ({slug}) does not fit the name"))
    if why := headline_emptiness(facts.headline):
        parts.append((1.0, why))
    elif generic_headline:
        parts.append((0.5, f'a generic headline ("{facts.headline.strip()}")'))
    for count, what in ((facts.connections, "connections"), (facts.followers, "followers")):
        if count is not None and count < 10:
            parts.append((1.5, f"only {count} {what}"))
            break
    if facts.connections is not None and facts.connections >= 30000:
        parts.append((1.0, f"{facts.connections:,} connections (a collector's count)"))
    elif (
        facts.following is not None
        and facts.following > 300
        and facts.following >= 5 * max(facts.followers or 0, 1)
    ):
        parts.append(
            (1.0, f"follows {facts.following:,} accounts, followed by {facts.followers or 0:,}")
        )
    if facts.bio_length == 0:
        parts.append((0.5, "no summary"))
    age = _days_since(facts.created, today)
    if age is not None and age < 30:
        parts.append((2.0, f"an account created {age} days ago"))
    elif age is not None and age < 180:
        parts.append((1.0, f"an account created {age} days ago"))
    total = PRIOR + sum(w for w, _ in parts)
    parts.sort(key=lambda p: -p[0])
    return ProfileScore(1.0 / (1.0 + math.exp(-total)), [why for _, why in parts])


def facts_of(request: PendingRequest) -> ProfileFacts:
    """The profile facts a pending request carries: what the extension read of the
    page (``request.facts``: photo, connections, followers, created), with the name,
    the profile address (its slug) and the headline the request gives."""
    facts = request.facts or ProfileFacts()
    return replace(
        facts,
        name=facts.name or request.name,
        profile_url=facts.profile_url or request.slug or request.profile_url,
        headline=facts.headline or request.headline,
    )
