"""Generated mail and address books in their real shape, for tests that import them
with havewemet's own commands: a Gmail Takeout mbox and an Apple Contacts vCard."""

from __future__ import annotations

ME = "ruth.calloway@westmere.gov.uk"


def _message(frm: str, to: str, subject: str, date: str, n: int, sent: bool) -> str:
    labels = "X-Gmail-Labels: Sent,Opened\n" if sent else "X-Gmail-Labels: Inbox,Opened\n"
    return (
        f"From 1789{n:012d}@xxx Thu Mar 05 10:00:00 +0000 2026\n"
        f"{labels}From: {frm}\nTo: {to}\nSubject: {subject}\nDate: {date}\n"
        f"Message-ID: <m{n}@mail.example>\nMIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="UTF-8"\n\nSee you then.\n\n'
    )


#: The rest of the mailbox: 144 correspondents, a dozen of them Okafors, so that the
#: surname is as common in the data as it is in a real address book.
FIRST = "Amira Tom Grace Oliver Priya Mateo Hannah Kenji Lena Samuel Ines Felix".split()
LAST = "Haddad Brennan Osei Lindqvist Rao Silva Novak Tanaka Vogt Mensah Duarte Okafor".split()


def mbox(name: str = "", address: str = "", count: int = 14) -> str:
    """A Gmail Takeout mbox: a thread with ``name`` both wrote in, ``count`` messages
    in turn, among one message each from the others in :data:`FIRST` x :data:`LAST`."""
    me, them = f"Ruth Calloway <{ME}>", f"{name} <{address}>"
    thread = [
        _message(
            them if i % 2 == 0 else me,
            me if i % 2 == 0 else them,
            "Re: Branch reopening" if i else "Branch reopening",
            f"Thu, {i + 1:02d} Jan 2026 10:00:00 +0000",
            i,
            sent=i % 2 == 1,
        )
        for i in range(count if name else 0)
    ]
    others = [
        _message(
            f"{first} {last} <{first.lower()}.{last.lower()}@mail.example>",
            me,
            "Hello",
            "Fri, 02 Jan 2026 09:00:00 +0000",
            1000 + len(LAST) * i + j,
            sent=False,
        )
        for i, first in enumerate(FIRST)
        for j, last in enumerate(LAST)
    ]
    return "".join(thread + others)


def vcard(*names: str) -> str:
    """An Apple Contacts export of cards, each with its own address."""
    return "".join(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 14.2//EN\r\n"
        f"N:{name.split()[-1]};{name.split()[0]};;;\r\nFN:{name}\r\n"
        f"item1.EMAIL;type=INTERNET;type=pref:{name.split()[0].lower()}@card{i}.example\r\n"
        f"UID:9A1C-{i}\r\nEND:VCARD\r\n"
        for i, name in enumerate(names)
    )
