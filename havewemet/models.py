"""The records every importer produces and the store keeps.

An importer turns a source into an :class:`ImportBatch`: *identities* (a person as
one source sees them), *interactions* (dated evidence tied to one identity) and
*requests* (pending invitations). Every record carries its provenance: the file
and the line (or row) it came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["in", "out", "both", "none"]

#: Interaction kinds and what each means (``direction`` is from the user's side:
#: ``out`` = the user did it, ``in`` = the other person did).
INTERACTION_KINDS: dict[str, str] = {
    "connected": "connected on LinkedIn",
    "message": "a LinkedIn message",
    "mail": "an e-mail",
    "endorsement": "an endorsement",
    "recommendation": "a recommendation",
    "invitation": "a connection invitation",
    "meeting": "a calendar meeting",
    "event": "attended the same event",
    "member": "on the same membership list",
    "contact": "saved in an address book",
    "follow": "a follow on a social network",
    "friend": "a friend on a social network",
    "colleague": "worked at the same organisation",
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
