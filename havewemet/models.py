"""The records every importer produces and the store keeps.

An importer turns a source into an :class:`ImportBatch`: *identities* (a person as
one source sees them), *interactions* (dated evidence tied to one identity) and
*requests* (pending invitations). Every record carries its provenance: the file
and the line (or row) it came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Direction = Literal["in", "out", "both", "none"]


class Action(StrEnum):
    """What to do with a request: the recommendation and the user's decision.

    ``order`` is the inbox's (terminal, page, JSON: the requests that need the user's
    judgement first, then the clear cases; issue 13) and ``heading`` its group's title.

    Examples:
        >>> [a.value for a in INBOX_ORDER]
        ['ask', 'accept', 'report', 'ignore']
        >>> Action("ask").heading
        'Ask \u201chave we met?\u201d: needs your judgement'
    """

    order: int
    heading: str

    def __new__(cls, value: str, order: int, heading: str) -> Action:
        action = str.__new__(cls, value)
        action._value_ = value
        action.order = order
        action.heading = heading
        return action

    @classmethod
    def of(cls, value: str) -> Action:
        """The action ``value`` names (``"ask"``, or ``Action.ASK`` itself); a typed
        ``Action(value)``, which a type checker reads as a call of ``__new__``."""
        return cls[value.upper()]

    ACCEPT = "accept", 1, "Accept: you know them"
    ASK = "ask", 0, "Ask \u201chave we met?\u201d: needs your judgement"
    IGNORE = "ignore", 3, "Ignore: strangers"
    REPORT = "report", 2, "Report: fake or spam"


#: The actions in the inbox's order.
INBOX_ORDER: tuple[Action, ...] = tuple(sorted(Action, key=lambda a: a.order))


@dataclass(frozen=True, slots=True)
class InteractionKind:
    """One kind of interaction: what it means, how much one weighs in a tie
    (:mod:`havewemet.network.ties`) and the evidence it gives
    (:func:`havewemet.triage.evidence.from_interactions`)."""

    description: str
    tie_weight: float
    """The weight of one interaction (per message or mail of a thread)."""
    evidence: Literal["row", "thread", "meeting", "follow"] = "row"
    """``row``: one line per interaction, from :attr:`lines`; the others: one line per
    thread, per calendar, per identity and network (the triage groups them)."""
    lines: tuple[tuple[str, str, str], ...] = ()
    """``(direction, level, text)``: the first whose direction is the interaction's (or
    ``*``) gives the line; none, no line. ``text`` may name ``{day}``, ``{on_day}``,
    ``{since_day}``, ``{detail}``, ``{for_detail}``, ``{at_detail}`` and ``{network}``."""
    shares_detail: bool = False
    """Whether the line keeps the detail (the event, list, skill, employer) as what
    was shared, for replies and openings."""


#: Every interaction kind (``direction`` is from the user's side: ``out`` = the user
#: did it, ``in`` = the other person did). Levels: ``known``, ``met``, ``known of``.
INTERACTION_KINDS: dict[str, InteractionKind] = {
    "connected": InteractionKind(
        "connected on LinkedIn",
        0.05,
        # One-way evidence: connections are often accepted without knowing the person.
        lines=(("*", "known of", "a LinkedIn connection since {day}"),),
    ),
    "message": InteractionKind("a LinkedIn message", 0.08, "thread"),
    "mail": InteractionKind("an e-mail", 0.08, "thread"),
    "endorsement": InteractionKind(
        "an endorsement",
        0.2,
        lines=(
            ("in", "met", "endorsed you{for_detail} on {day}"),
            ("*", "met", "you endorsed them{for_detail} on {day}"),
        ),
        shares_detail=True,
    ),
    "recommendation": InteractionKind(
        "a recommendation",
        0.8,
        lines=(
            ("in", "known", "recommended you on {day}"),
            ("*", "known", "you recommended them on {day}"),
        ),
    ),
    "invitation": InteractionKind(
        "a connection invitation", 0.02, lines=(("out", "known of", "you invited them on {day}"),)
    ),
    "meeting": InteractionKind("a calendar meeting", 0.4, "meeting"),
    "event": InteractionKind(
        "attended the same event",
        0.2,
        lines=(("*", "met", "also at {detail}{on_day}"),),
        shares_detail=True,
    ),
    "member": InteractionKind(
        "on the same membership list",
        0.05,
        lines=(("*", "known of", "on the list {detail}"),),
        shares_detail=True,
    ),
    "contact": InteractionKind(
        "saved in an address book", 0.2, lines=(("*", "met", "in your address book"),)
    ),
    "follow": InteractionKind("a follow on a social network", 0.05, "follow"),
    "friend": InteractionKind(
        "a friend on a social network",
        0.2,
        lines=(
            ("both", "met", "{network} friends{since_day}"),
            ("*", "known of", "sent you a {network} friend request"),
        ),
    ),
    "colleague": InteractionKind(
        "worked at the same organisation",
        0.05,
        lines=(("*", "known of", "worked{at_detail} when you did"),),
        shares_detail=True,
    ),
}


#: Copies of one empty hasher: the same digests as ``blake2b(data, digest_size=10)``
#: without parsing the keyword on every call (issue 2: 80,000 ids an import).
new_hash = hashlib.blake2b(digest_size=10).copy


def hash_text(text: str) -> str:
    """:func:`stable_id` of parts already joined with ``"\\x1f"``."""
    h = new_hash()
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def stable_id(*parts: object) -> str:
    """A short, stable hash of the given parts (used as a primary key)."""
    return hash_text("\x1f".join("" if p is None else str(p) for p in parts))


@dataclass(slots=True)
class Identity:
    """A person as one source sees them.

    ``key`` is stable within the source (a profile URL, an e-mail address, a
    vCard UID, else a hash of the name and company), so that re-importing the
    same or a newer file updates the row instead of adding one.
    """

    source: str
    key: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    nicknames: list[str] = field(default_factory=list)
    company: str = ""
    title: str = ""
    location: str = ""
    file: str = ""
    line: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    connection: bool = False
    """One of the user's own LinkedIn connections (the importer says so): a pending
    request from them is marked ``connected``, not triaged."""

    @property
    def id(self) -> str:
        return stable_id(self.source, self.key)


@dataclass(slots=True)
class Interaction:
    """One dated piece of evidence about one identity of the same source."""

    source: str
    identity_key: str
    kind: str
    at: str | None = None
    """ISO 8601 date or datetime (UTC where the source gives a time), or None."""
    direction: Direction = "none"
    detail: str = ""
    file: str = ""
    line: int = 0
    count: int = 1

    @property
    def id(self) -> str:
        return stable_id(
            self.source, self.identity_key, self.kind, self.at, self.direction, self.detail
        )

    @property
    def identity_id(self) -> str:
        return stable_id(self.source, self.identity_key)


@dataclass(slots=True)
class Request:
    """A pending connection request (an invitation the user has not answered)."""

    name: str
    profile_url: str = ""
    headline: str = ""
    note: str = ""
    sent_at: str | None = None
    mutuals: list[str] = field(default_factory=list)
    reminders: int = 0
    source: str = "manual"
    file: str = ""
    line: int = 0
    mutual_count: int = 0
    """How many mutual connections the invitation says there are, when it names only
    some ("Amira Haddad, Tom Brennan and 12 others": 14); 0 when it names them all."""

    @property
    def id(self) -> str:
        from havewemet.normalize import profile_slug

        slug = profile_slug(self.profile_url)
        if slug:
            return stable_id("req", "slug", slug)
        return stable_id("req", "name", " ".join(self.name.lower().split()))


@dataclass(frozen=True, slots=True)
class PendingRequest:
    """A connection request as the store keeps it and the triage, the web page,
    ``check`` and ``outreach`` read it: an invitation (merged across the sources that
    gave it) with its ``status`` (``pending``, ``connected`` or the decision taken).

    Examples:
        >>> r = PendingRequest.of(Request("Ann Lee", "https://www.linkedin.com/in/Ann-Lee"))
        >>> r.slug, r.status, r.sources
        ('ann-lee', 'pending', ('manual',))
    """

    id: str
    name: str
    profile_url: str = ""
    slug: str = ""
    """The LinkedIn profile slug of ``profile_url`` (stored; ``""`` when none)."""
    headline: str = ""
    note: str = ""
    sent_at: str | None = None
    mutuals: tuple[str, ...] = ()
    """The mutual connections' names as LinkedIn shows them."""
    mutual_count: int = 0
    """How many mutual connections the invitation counts when it names only some
    ("X, Y and 12 others"); 0 when the names are all there is."""
    reminders: int = 0
    status: str = "pending"
    source: str = "manual"
    """The first source that gave it; ``sources`` lists every one."""
    sources: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    facts: ProfileFacts | None = None
    """What the browser extension read of the profile page (photo, counts), if any."""

    @classmethod
    def of(cls, request: Request, *, id: str | None = None) -> PendingRequest:
        """A request not kept in the store (``check --no-save``, ``outreach``)."""
        from havewemet.normalize import profile_slug

        return cls(
            id=request.id if id is None else id,
            name=request.name,
            profile_url=request.profile_url,
            slug=profile_slug(request.profile_url),
            headline=request.headline,
            note=request.note,
            sent_at=request.sent_at,
            mutuals=tuple(request.mutuals),
            mutual_count=request.mutual_count,
            reminders=request.reminders,
            source=request.source,
            sources=(request.source,),
            file=request.file,
            line=request.line,
        )


@dataclass(slots=True)
class FileReport:
    """What one file inside a source gave."""

    file: str
    kind: str
    rows: int = 0
    identities: int = 0
    interactions: int = 0
    requests: int = 0
    note: str = ""


#: The kinds of the user's own identifiers (``havewemet me``, issue 12).
OwnKind = Literal["email", "phone", "profile", "name", "handle"]


@dataclass(slots=True)
class OwnIdentifier:
    """One of the user's own identifiers as a source gives it (issue 12): an e-mail
    address (normalised), a phone (E.164), a LinkedIn profile slug, a name or a handle.

    ``how`` says where it came from: ``file`` (the source says it is the user's, as
    LinkedIn's ``Email Addresses.csv`` does), ``--me`` (the user said so) or ``guessed``
    (a mail import's confident guess of the mailbox's owner).
    """

    kind: OwnKind
    value: str
    file: str = ""
    line: int = 0
    how: Literal["file", "--me", "guessed"] = "file"
    primary: bool = False


@dataclass(slots=True)
class ImportBatch:
    """Everything one import produced, written to the store in one transaction."""

    source: str
    kind: str
    path: str
    identities: list[Identity] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    me: Identity | None = None
    """The user's own profile, where the source names it."""
    positions: list[dict[str, str]] = field(default_factory=list)
    """The user's own jobs: ``company``, ``title``, ``start``, ``end`` (ISO dates)."""
    own: list[OwnIdentifier] = field(default_factory=list)
    """The user's own identifiers the source gives (remembered by the store, issue 12)."""
    files: list[FileReport] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Information that is not a problem (which address was taken as the user's)."""


@dataclass(slots=True)
class ProfileFacts:
    """What is known of a requester's profile, for the fake-profile score.

    Every field is optional: the LinkedIn export and invitation mails give the name,
    the profile address and the headline; the browser extension passes what
    LinkedIn's page shows (photo, connection and follower counts); another network's
    data may give only counts (a username's digits and length). ``None`` means not
    known, and an unknown fact never counts against anyone.
    """

    name: str = ""
    profile_url: str = ""
    """The profile address, or its slug (``jane-doe-1b2c3d``)."""
    headline: str = ""
    has_photo: bool | None = None
    connections: int | None = None
    followers: int | None = None
    following: int | None = None
    """How many accounts they follow (on networks where that is shown)."""
    bio_length: int | None = None
    """Characters in their summary ("About") or biography."""
    created: str | None = None
    """When the account was created (ISO date), where that is known."""
    username_digits: int | None = None
    """Digits in the username, when only counts are known (else read from the address)."""
    username_length: int | None = None
