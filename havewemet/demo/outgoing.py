"""The invitations the demo persona sent, and the traces of what she shared first.

Ruth Calloway invites people she has met: each invitation in :data:`OUTGOING`
follows, by a few hours or days, a shared context that her own sources hold (a meeting in
her calendar, a mail thread, LinkedIn messages, the attendee list of an event she
was at), and precedes the connection it led to (LinkedIn's ``Connected On``). A
few are honest cold ones: a speaker she follows but never met (*known of*) and
two people her data knows nothing about (*stranger*), one of whom has not
answered yet. :func:`havewemet.triage.outreach.audit_outgoing` must give each
the verdict in :attr:`Sent.verdict` (the demo's tests assert it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["OUTGOING", "Sent", "outgoing_surnames"]


@dataclass(frozen=True, slots=True)
class Sent:
    """One invitation the user sent, with the context that came before it."""

    name: str
    slug: str
    company: str
    position: str
    email: str
    sent: datetime
    """When the invitation was sent (Invitations.csv ``Sent At``)."""
    connected: datetime | None
    """When they accepted (Connections.csv ``Connected On``); None: still pending."""
    via: str
    """Where the shared context is: meeting, mail, message, event, follow or ''."""
    detail: str
    """The meeting's or thread's subject, the event's name."""
    context: tuple[datetime, ...]
    """When the shared context happened (each meeting, mail, message, the follow)."""
    note: str
    verdict: str
    """What the audit must say, from the evidence dated before :attr:`sent`."""

    @property
    def url(self) -> str:
        return f"https://www.linkedin.com/in/{self.slug}"

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def last(self) -> str:
        return self.name.split()[-1]


def _d(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi)


#: The event of the demo's attendee list (see :mod:`havewemet.demo.sources`).
_EVENT_DAY = _d(2025, 6, 12, 9)
_EVENT = "Open Data in Libraries 2025"

OUTGOING: list[Sent] = [
    Sent(
        "Gareth Hughes",
        "gareth-hughes-opendata",
        "Open Library Data Trust",
        "Programme Lead",
        "gareth.hughes@openlibdata.org.uk",
        _d(2025, 6, 12, 20, 15),
        _d(2025, 6, 13, 9),
        "event",
        _EVENT,
        (_EVENT_DAY,),
        "Hi Gareth, thank you for your talk at Open Data in Libraries today.",
        "met",
    ),
    Sent(
        "Nadia Rahman",
        "nadia-rahman-metadata",
        "Kingsbridge Libraries",
        "Metadata Coordinator",
        "nadia.rahman@kingsbridge.gov.uk",
        _d(2025, 6, 15, 17, 5),
        _d(2025, 6, 17, 9),
        "event",
        _EVENT,
        (_EVENT_DAY,),
        "Hi Nadia, good to talk about authority files at the open data day.",
        "met",
    ),
    Sent(
        "Joanna Pike",
        "joanna-pike-libraries",
        "Harbourside Library Service",
        "Digital Services Librarian",
        "j.pike@harbourside.gov.uk",
        _d(2025, 6, 16, 9, 30),
        _d(2025, 6, 20, 12),
        "event",
        _EVENT,
        (_EVENT_DAY,),
        "Hi Joanna, lovely to meet you at Open Data in Libraries last week.",
        "met",
    ),
    Sent(
        "Rahul Mehta",
        "rahul-mehta-arts",
        "Westmere Arts Trust",
        "Programme Director",
        "rahul.mehta@westmerearts.org.uk",
        _d(2025, 8, 20, 11, 15),
        _d(2025, 8, 22, 8),
        "mail",
        "Poetry festival at the Central Library",
        (_d(2025, 8, 11, 9, 12), _d(2025, 8, 12, 14, 3), _d(2025, 8, 18, 10, 40)),
        "Hi Rahul, thanks for the festival plans; glad to stay in touch here.",
        "known",
    ),
    Sent(
        "Owen Price",
        "owen-price-culture",
        "Bramley Borough Council",
        "Head of Culture and Libraries",
        "owen.price@bramley.gov.uk",
        _d(2025, 10, 23, 16, 20),
        _d(2025, 10, 24, 9),
        "meeting",
        "Library card scheme review",
        (_d(2025, 10, 7, 14), _d(2025, 10, 21, 14)),
        "Hi Owen, good working with you on the library card scheme review.",
        "known",
    ),
    Sent(
        "Ingrid Solberg",
        "ingrid-solberg-author",
        "",
        "Author of The Quiet Catalogue",
        "",
        _d(2025, 11, 18, 20, 10),
        _d(2025, 11, 25, 7),
        "",
        "",
        (),
        "Hello Ingrid, I loved The Quiet Catalogue and would like to follow your work.",
        "stranger",
    ),
    Sent(
        "Helen Marsh",
        "helen-marsh-bramley",
        "Bramley University Library",
        "Head of Collections",
        "h.marsh@bramley.ac.uk",
        _d(2026, 1, 26, 9, 45),
        _d(2026, 1, 27, 13),
        "mail",
        "Shared cataloguing pilot",
        (
            _d(2026, 1, 12, 10, 2),
            _d(2026, 1, 13, 15, 30),
            _d(2026, 1, 20, 9, 15),
            _d(2026, 1, 21, 11, 50),
        ),
        "Hi Helen, following our mails on the cataloguing pilot: let's connect.",
        "known",
    ),
    Sent(
        "Marta Kowalczyk",
        "marta-kowalczyk-records",
        "Westmere City Council",
        "Records Manager",
        "marta.kowalczyk@westmere.gov.uk",
        _d(2026, 3, 12, 12, 30),
        _d(2026, 3, 13, 10),
        "meeting",
        "Records retention workshop",
        (_d(2026, 3, 10, 10),),
        "Hi Marta, thank you for running the records retention workshop on Tuesday.",
        "met",
    ),
    Sent(
        "Beatriz Santos",
        "beatriz-santos-research",
        "University of Lisbon",
        "Researcher, History of the Book",
        "",
        _d(2026, 5, 7, 10, 5),
        _d(2026, 5, 8, 18),
        "message",
        "",
        (_d(2026, 5, 4, 15, 20), _d(2026, 5, 5, 9, 10), _d(2026, 5, 6, 11)),
        "Hi Beatriz, glad the pamphlet scans helped; do keep me posted.",
        "known",
    ),
    Sent(
        "Kofi Asante",
        "kofi-asante-ethics",
        "Centre for Information Ethics",
        "Director",
        "",
        _d(2026, 7, 10, 13),
        None,
        "follow",
        "",
        (_d(2026, 7, 9, 17, 45),),
        "Hello Kofi, your keynote on privacy in public libraries stayed with me.",
        "known of",
    ),
    Sent(
        "Yusuf Demir",
        "yusuf-demir-data",
        "Northgate Analytics",
        "Chief Data Officer",
        "",
        _d(2026, 9, 2, 8, 55),
        None,
        "",
        "",
        (),
        "Hello Yusuf, I read your report on council open data portals.",
        "stranger",
    ),
]


def outgoing_surnames() -> set[str]:
    """Surnames the generated connections must not take (no namesakes by chance)."""
    return {s.last.lower() for s in OUTGOING}
