"""Coverage-guided fuzzing of every importer with atheris (issue 6).

Each *target* is one parser: the fuzzer writes its input to a file with a real
export name (the first input byte picks which name) and calls
:func:`havewemet.importers.read_source` with the format forced. An
:class:`~havewemet.errors.HaveWeMetError` is the expected answer to bad input;
any other exception is a *finding*: its signature (type and innermost havewemet
frame) is logged once and the input kept, and fuzzing goes on; so is the first
input that takes over ``SLOW`` seconds. libFuzzer stops a target on a hang
(``-timeout=300``) or memory blow-up (``-rss_limit_mb``), which are findings too.

Usage (atheris is a bench tool, not a dependency: ``pip install atheris``)::

    python bench/fuzz_parsers.py all --seconds 600 --jobs 2   # every target, 10 min each
    python bench/fuzz_parsers.py vcard --seconds 60           # one target
    python bench/fuzz_parsers.py --list

Findings go to ``--out`` (default ``/tmp/havewemet-fuzz``): ``<target>/findings.txt``,
``<target>/crash-*`` inputs and ``<target>/log.txt``.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

log = logging.getLogger("fuzz")

# target -> (formats to rotate through, file names to rotate through)
TARGETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "linkedin": (
        ("linkedin",),
        (
            "Connections.csv",
            "Invitations.csv",
            "messages.csv",
            "Profile.csv",
            "Positions.csv",
            "Imported Contacts.csv",
        ),
    ),
    "vcard": (("vcard",), ("contacts.vcf",)),
    "contacts-csv": (("google-csv", "outlook-csv", "thunderbird-csv"), ("contacts.csv",)),
    "ical": (("ical",), ("calendar.ics",)),
    "mail": (("mbox", "eml"), ("mail.mbox", "message.eml")),
    "mastodon": (
        ("mastodon-csv",),
        ("following_accounts.csv", "lists.csv", "blocked_accounts.csv", "followers.csv"),
    ),
    "x": (("x-archive",), ("following.js", "follower.js", "account.js")),
    "facebook": (
        ("facebook-json",),
        ("your_friends.json", "received_friend_requests.json", "sent_friend_requests.json"),
    ),
    "bluesky": (("bluesky-json",), ("follows.json", "followers.json")),
    "people-list": (("people-list",), ("attendees.csv",)),
}

BOM = "\ufeff"
SEEDS: dict[str, list[str]] = {
    "linkedin": [
        BOM + 'Notes:\r\n"When exporting your connection data, you may notice that some of '
        "your connections don't have an email address.\"\r\n\r\nFirst Name,Last Name,URL,"
        'Email Address,Company,Position,Connected On\r\nAda,"Lovelace, PhD",https://www.'
        "linkedin.com/in/ada-l,ada@example.org,Analytical,Engineer,09 Sep 2022\r\n,,,,,,"
        "01 Jan 2020\r\n",
        BOM + "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\r\n"
        'Bob Stone,Ruth Calloway,"3/1/23, 9:15 AM",Hi Ruth,INCOMING,https://www.linkedin.com/'
        "in/bob-s,https://www.linkedin.com/in/ruth\r\n",
        BOM + "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE"
        " URLS,DATE,SUBJECT,CONTENT,FOLDER\r\nc1,,Ada L,https://www.linkedin.com/in/ada-l,"
        "Ruth C,https://www.linkedin.com/in/ruth,2023-04-01 10:00:00 UTC,,hello,INBOX\r\n",
    ],
    "vcard": [
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nEMAIL;TYPE="
        "INTERNET:ada@example.org\r\nTEL;TYPE=CELL:+44 20 7946 0000\r\nORG:Analytical Engines"
        "\r\nNOTE:met at the\r\n  conference\r\nitem1.URL:https://www.linkedin.com/in/ada-l"
        "\r\nEND:VCARD\r\n",
        "BEGIN:VCARD\nVERSION:4.0\nFN:Bob Stone\nN:Stone;Bob;;;\nEMAIL:bob@example.com\n"
        "BDAY:19800101\nEND:VCARD\n",
    ],
    "contacts-csv": [
        "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Value,"
        "Organization 1 - Name\nAda Lovelace,Ada,Lovelace,* Home,ada@example.org ::: "
        "a@x.org,+44 20,Analytical\n",
        "First Name,Middle Name,Last Name,E-mail Address,Mobile Phone,Company\r\nBob,,Stone,"
        "bob@example.com,555,Acme\r\n",
        "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email\n"
        "Carol,Ng,Carol Ng,cn,carol@example.net,\n",
    ],
    "ical": [
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar//EN\r\n"
        "BEGIN:VEVENT\r\nUID:1@x\r\nDTSTART:20230301T090000Z\r\nDTEND:20230301T100000Z\r\n"
        "SUMMARY:Coffee\r\nORGANIZER;CN=Ruth:mailto:ruth@example.org\r\nATTENDEE;CN=Ada "
        "Lovelace;PARTSTAT=ACCEPTED:mailto:ada@example.org\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
    ],
    "mail": [
        "From ada@example.org Wed Mar  1 09:15:00 2023\nFrom: Ada Lovelace <ada@example.org>\n"
        "To: Ruth <ruth@example.org>, bob@example.com\nCc: =?utf-8?q?B=C3=A9a?= <bea@x.org>\n"
        "Date: Wed, 01 Mar 2023 09:15:00 +0000\nSubject: Hello\nMessage-ID: <1@x>\n\nHi\n\n"
        "From ruth@example.org Thu Mar  2 09:15:00 2023\nFrom: ruth@example.org\nTo: "
        "ada@example.org\nDate: Thu, 02 Mar 2023 09:15:00 +0000\nSubject: Re: Hello\n\nYes\n",
        "From: invitations@linkedin.com\nX-LinkedIn-Class: INVITE-MBR\nTo: ruth@example.org\n"
        "Date: Wed, 01 Mar 2023 09:15:00 +0000\nSubject: Bob wants to connect\n\nBob Stone\n"
        "Librarian\nhttps://www.linkedin.com/comm/in/bob-s\n",
    ],
    "mastodon": [
        "Account address,Show boosts,Notify on new posts,Languages\nuser@example.com,true,"
        'false,\nada@mastodon.social,true,true,"en,fr"\n',
        "friends,ada@mastodon.social\nwork,bob@example.com\n",
        "bob@spam.example\n",
    ],
    "x": [
        'window.YTD.following.part0 = [ {\n  "following" : {\n    "accountId" : "547842573",\n'
        '    "userLink" : "https://twitter.com/intent/user?user_id=547842573"\n  }\n} ]',
        'window.YTD.account.part0 = [ {\n  "account" : {\n    "email" : "ruth@example.org",\n'
        '    "username" : "ruthc",\n    "accountDisplayName" : "Ruth"\n  }\n} ]',
    ],
    "facebook": [
        '{\n  "friends_v2": [\n    { "name": "Alice Nguyen", "timestamp": 1190678400 },\n'
        '    { "name": "Bob \\u00c3\\u00a9", "timestamp": 1201824000 }\n  ]\n}',
        '{"received_requests_v2": [{"name": "Eve", "timestamp": 1600000000}]}',
    ],
    "bluesky": [
        '[{"did": "did:plc:abc123", "handle": "ada.bsky.social", "displayName": "Ada"}]',
        '{"records": [{"$type": "app.bsky.graph.follow", "subject": "did:plc:xyz", '
        '"createdAt": "2024-01-01T00:00:00Z"}]}',
    ],
    "people-list": [
        "Full Name,Email,Company,Title\nAda Lovelace,ada@example.org,Analytical,Engineer\n"
        '"Stone, Bob",bob@example.com,Acme,\n',
    ],
}

SLOW = 10.0
"""Seconds after which one input is a finding (a hang stops libFuzzer at 300 s)."""
_SHARED = Path("/work/shared/data/formats")
_SHARED_DIRS = {"vcard": "vcard", "ical": "ics", "mail": "mbox", "contacts-csv": "csv_contacts"}


def _write_seeds(target: str, corpus: Path) -> None:
    """Built-in seeds (and the shared real samples when they are there)."""
    corpus.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(SEEDS[target]):
        # The first byte picks the file name / format: seed one per choice.
        for choice in range(len(TARGETS[target][1]) * len(TARGETS[target][0])):
            (corpus / f"seed-{i}-{choice}").write_bytes(bytes([choice]) + text.encode())
    sub = _SHARED_DIRS.get(target)
    if sub and (_SHARED / sub).is_dir():
        for p in sorted((_SHARED / sub).iterdir()):
            if p.suffix != ".txt":
                (corpus / f"shared-{p.name}").write_bytes(b"\x00" + p.read_bytes()[:200_000])


def run_target(target: str, seconds: int, out: Path) -> None:
    """Fuzz one target in this process (libFuzzer ends the process when time is up)."""
    import atheris

    with atheris.instrument_imports(include=["havewemet", "icalendar", "vobject"]):
        from havewemet.errors import HaveWeMetError
        from havewemet.importers import read_source, readers

        readers()
    formats, names = TARGETS[target]
    work = out / target
    work.mkdir(parents=True, exist_ok=True)
    findings = work / "findings.txt"
    seen: set[str] = set()
    scratch = Path(
        tempfile.mkdtemp(
            prefix=f"fuzz-{target}-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None
        )
    )
    logging.disable(logging.CRITICAL)

    def one_input(data: bytes) -> None:
        if not data:
            return
        choice = data[0] % (len(formats) * len(names))
        fmt, name = formats[choice % len(formats)], names[choice // len(formats) % len(names)]
        path = scratch / name
        path.write_bytes(data[1:])
        began = time.monotonic()
        try:
            read_source(path, format=fmt)
        except HaveWeMetError:
            pass
        except Exception as e:  # noqa: BLE001 - every other exception is a finding
            frames = [f for f in traceback.extract_tb(e.__traceback__) if "havewemet" in f.filename]
            where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
            sig = f"{type(e).__name__} at {where}"
            if sig not in seen:
                seen.add(sig)
                crash = work / f"crash-{len(seen)}-{fmt}-{name}"
                crash.write_bytes(data[1:])
                with findings.open("a") as fh:
                    fh.write(
                        f"{sig}: {e!r}\n  input: {crash}\n"
                        + "".join(traceback.format_exception(e))
                        + "\n"
                    )
        took = time.monotonic() - began
        if took > SLOW and f"slow {fmt}" not in seen:  # instrumented: ~5x slower than plain
            seen.add(f"slow {fmt}")
            crash = work / f"slow-{fmt}-{name}"
            crash.write_bytes(data[1:])
            with findings.open("a") as fh:
                fh.write(f"slow: {took:.1f} s for {len(data)} bytes\n  input: {crash}\n\n")

    corpus = work / "corpus"
    _write_seeds(target, corpus)
    atheris.Setup(
        [
            sys.argv[0],
            str(corpus),
            f"-max_total_time={seconds}",
            "-timeout=300",
            "-rss_limit_mb=3072",
            f"-artifact_prefix={work}/",
            "-print_final_stats=1",
        ],
        one_input,
    )
    atheris.Fuzz()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", nargs="?", help="a target, or 'all'")
    ap.add_argument("--seconds", type=int, default=600, help="time per target")
    ap.add_argument("--jobs", type=int, default=2, help="targets run at once (with 'all')")
    ap.add_argument("--out", type=Path, default=Path("/tmp/havewemet-fuzz"))
    ap.add_argument("--list", action="store_true", help="list the targets")
    args = ap.parse_args()
    if args.list or not args.target:
        sys.stdout.write("\n".join(TARGETS) + "\n")
        return
    if args.target != "all":
        run_target(args.target, args.seconds, args.out)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    pending = list(TARGETS)
    running: list[tuple[str, subprocess.Popen, float]] = []
    while pending or running:
        while pending and len(running) < args.jobs:
            t = pending.pop(0)
            (args.out / t).mkdir(parents=True, exist_ok=True)
            logf = (args.out / t / "log.txt").open("w")
            proc = subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    t,
                    "--seconds",
                    str(args.seconds),
                    "--out",
                    str(args.out),
                ],
                stdout=logf,
                stderr=subprocess.STDOUT,
            )
            running.append((t, proc, time.monotonic()))
            log.info("started %s", t)
        time.sleep(2)
        for item in list(running):
            t, proc, start = item
            if proc.poll() is not None:
                running.remove(item)
                log.info(
                    "%s ended (exit %s) after %.0f s", t, proc.returncode, time.monotonic() - start
                )


if __name__ == "__main__":
    main()
