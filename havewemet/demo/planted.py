"""The demo's planted requests: who asks to connect, and the verdict each must get.

:data:`PLANTED` lists the pending requests the demo is built to show (and the
tests assert); :mod:`havewemet.demo.persona` writes them into the persona's
export and adds :data:`N_STRANGERS` strangers to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from havewemet.demo import linkedin_export as lx
from havewemet.demo.outgoing import OUTGOING

__all__ = [
    "BLIND_MUTUALS",
    "N_STRANGERS",
    "PITCH",
    "PLANTED",
    "REMINDERS",
    "Planted",
    "evidence_files",
]


@dataclass(slots=True)
class Planted:
    """A pending request with the verdict and recommendations it must get."""

    name: str
    slug: str
    note: str = ""
    headline: str = ""
    mutuals: list[str] = field(default_factory=list)
    verdict: str = "stranger"
    gatekeeper: str = "ignore"
    networker: str = "ignore"
    why: str = ""

    @property
    def url(self) -> str:
        return f"https://www.linkedin.com/in/{self.slug}"


PITCH = (
    "Hi, I help law firms and councils cut research costs by 40% with our AI platform. "
    "Can we book a quick call this week?"
)

PLANTED: list[Planted] = [
    Planted(
        "Priya Raman",
        "priya-raman-law",
        "Hi Ruth, great to find you here - it has been a while since Harrow & Pike!",
        "Senior Associate at Harrow & Pike LLP",
        verdict="known",
        gatekeeper="accept",
        networker="accept",
        why="former colleague: in your imported contacts with the same profile, recommended you",
    ),
    Planted(
        "Daniel Okafor",
        "daniel-okafor-7b2c91",
        "Good to talk last week, Ruth.",
        verdict="known",
        gatekeeper="accept",
        networker="accept",
        why="you messaged each other",
    ),
    Planted(
        "Grace Liang",
        "grace-liang-archives",
        verdict="met",
        gatekeeper="accept",
        networker="accept",
        why="endorsed you for Cataloguing",
    ),
    Planted(
        "Bob Whitfield",
        "bob-whitfield-3e8a10",
        "Hi Ruth, Bob from the digitisation project here.",
        verdict="known",
        gatekeeper="accept",
        networker="accept",
        why="nickname: messages with Robert Whitfield",
    ),
    Planted(
        "Jose Garcia",
        "jose-garcia-bcn",
        verdict="met",
        gatekeeper="accept",
        networker="accept",
        why="diacritics: José García in your imported contacts",
    ),
    Planted(
        "Kwame Mensah",
        "kwame-mensah-im",
        "Hello Ruth, I am seeking new opportunities in "
        "information management. Could you refer me to openings at Westmere?",
        "Open to work | Information Management",
        networker="ask",
        why="job seeking",
    ),
    Planted(
        "Lena Vogt",
        "lena-vogt-91a2",
        PITCH,
        "Growth Lead at ResearchAI",
        gatekeeper="report",
        networker="report",
        why="sales pitch, same note as two others",
    ),
    Planted(
        "Marco Bellini",
        "marco-bellini-ai",
        PITCH,
        "Account Executive at ResearchAI",
        gatekeeper="report",
        networker="report",
        why="sales pitch, template",
    ),
    Planted(
        "Tariq Aziz",
        "tariq-aziz-sales",
        PITCH,
        "Partnerships at ResearchAI",
        gatekeeper="report",
        networker="report",
        why="sales pitch, template",
    ),
    Planted(
        "Nina Sorensen",
        "nina-sorensen-seo",
        "Hello Ruth, our agency offers SEO and lead generation services for the public sector.",
        "Founder",
        why="sales pitch",
    ),
    Planted(
        "Jake Turner",
        "jake-turner-recruits",
        "Hi Ruth, I have an exciting opportunity that matches your profile.",
        "Senior Technical Recruiter at TalentBridge",
        networker="ask",
        why="recruiter",
    ),
    Planted(
        "Hannah Osei",
        "hannah-osei-archives",
        "Hi Ruth, Amira suggested I get in touch about the regional archives project.",
        "Archivist at Eastvale Record Office",
        ["Amira Haddad", "Tom Brennan"],
        verdict="connected through",
        gatekeeper="ask",
        networker="accept",
        why="two close mutual connections",
    ),
    Planted(
        "Victor Lane",
        "victor-lane-growth",
        "Let's connect!",
        "Entrepreneur",
        verdict="stranger",
        why="40 mutuals, all connection-only ties",
    ),
    Planted(
        "Sarah Mitchell",
        "sarah-mitchell-sales-4f1e",
        "",
        "Business Development at BrightLeads",
        why="namesake of your connection Sarah Mitchell, different profile",
    ),
    Planted(
        "Marcus Fenwick",
        "marcus-fenwick",
        "Hello Ruth, I enjoyed your talk on open data.",
        "Head of Digital at Northfield Libraries",
        verdict="known of",
        gatekeeper="ask",
        networker="accept",
        why="you follow him on LinkedIn",
    ),
    Planted(
        "Ellen Brooks",
        "ellen-brooks-paralegal",
        "",
        "Paralegal at Harrow & Pike LLP",
        verdict="known of",
        gatekeeper="ask",
        networker="accept",
        why="works where you worked",
    ),
    Planted(
        "Dwayne Carter",
        "dwayne-carter-lion",
        "I accept all invitations. Let's grow our networks!",
        "LION | 30K+ connections | Open Networker",
        why="open networker",
    ),
    Planted(
        "Fiona Grant",
        "fiona-grant-events",
        "Hi Ruth, I organise the regional library "
        "conference and would love to keep you posted about speaking slots.",
        "Events Coordinator at the Regional Library Association",
        networker="accept",
        why="a relevant stranger for a networker",
    ),
    Planted(
        "Ian Fletcher",
        "ian-fletcher-eastvale",
        "Hi Ruth, putting a face to the e-mails!",
        "Special Collections Manager at Eastvale University",
        verdict="known",
        gatekeeper="accept",
        networker="accept",
        why="known only by mail: a two-way thread",
    ),
    Planted(
        "Samira Khoury",
        "samira-khoury-meta",
        "Lovely to meet you at the open data day.",
        "Metadata Librarian at Northfield Libraries",
        verdict="met",
        gatekeeper="accept",
        networker="accept",
        why="met at an event: on the attendee list you were on",
    ),
    Planted(
        "Pat Coleman",
        "pat-coleman-glam",
        "",
        "Digital Archivist",
        verdict="known of",
        gatekeeper="ask",
        networker="accept",
        why="known only by a Mastodon handle you follow (@pcoleman@glammr.social)",
    ),
    Planted(
        "Chloe Dubois",
        "chloe-dubois-westmere",
        "",
        "Project Manager at Westmere City Council",
        verdict="known",
        gatekeeper="accept",
        networker="accept",
        why="meetings in your calendar (a monthly steering group)",
    ),
    Planted(
        "Emily Carter",
        "xk-growth-bot-8841",
        "",
        "CEO",
        gatekeeper="report",
        networker="report",
        why="profile address does not fit the name, no note",
    ),
]

#: Reminder mails LinkedIn sent for some requests (in the demo's mbox).
REMINDERS = {"Victor Lane": 2, "Kwame Mensah": 1}
#: Strangers with no note and no mutuals, added to the planted cases.
N_STRANGERS = 13
BLIND_MUTUALS = 40


def evidence_files() -> dict[str, str]:
    """The LinkedIn export files that hold planted cases' traces, by file name.

    Priya Raman's recommendation and contact entry, José García's contact entry,
    the follows of Marcus Fenwick (and of a speaker the user invited, see
    :mod:`havewemet.demo.outgoing`) and the event the user attended.
    """
    files: dict[str, str] = {}
    files["Recommendations_Received.csv"] = lx.csv_text(
        ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date", "Status"],
        [
            [
                "Priya",
                "Raman",
                "Harrow & Pike LLP",
                "Trainee Solicitor",
                "Ruth's research support was the backbone of our know-how team.",
                "11/02/18, 03:20 PM",
                "VISIBLE",
            ]
        ],
    )
    files["ImportedContacts.csv"] = lx.csv_text(
        [
            "Source",
            "FirstName",
            "LastName",
            "Companies",
            "Title",
            "Emails",
            "PhoneNumbers",
            "CreatedAt",
            "Addresses",
            "Sites",
            "InstantMessageHandles",
            "FullName",
            "Birthday",
            "Location",
            "BookmarkedAt",
            "Profiles",
        ],
        [
            [
                "Outlook",
                "Priya",
                "Raman",
                "Harrow & Pike LLP",
                "Trainee Solicitor",
                "priya.raman@harrowpike.co.uk",
                "",
                "2016-05-03 09:00:00 UTC",
                "",
                "",
                "",
                "Priya Raman",
                "",
                "London",
                "",
                "https://www.linkedin.com/in/priya-raman-law",
            ],
            [
                "Google",
                "José",
                "García",
                "Biblioteca de Catalunya",
                "Conservator",
                "jgarcia@example.es",
                "+34 600 000 000",
                "2021-09-14 12:00:00 UTC",
                "",
                "",
                "",
                "José García",
                "",
                "Barcelona",
                "",
                "",
            ],
        ],
    )
    follows = [["Active", "2/3/25, 4:20 PM", "Marcus Fenwick"]]
    follows += [["Active", lx.sent_at(o.context[0]), o.name] for o in OUTGOING if o.via == "follow"]
    files["Member_Follows.csv"] = lx.csv_text(["Status", "Date", "FullName"], follows)
    files["Events.csv"] = lx.csv_text(
        ["Event Name", "Event Time", "Status", "External Url"],
        [["Open Data in Libraries", "2025-06-12 10:00:00 UTC", "ATTENDING", ""]],
    )
    return files
