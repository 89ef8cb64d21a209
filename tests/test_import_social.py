"""Social archive readers: X archive, Mastodon CSV, Facebook JSON, Bluesky JSON (issue 4).

Every fixture is generated here in the exact shape of the real export (X's
``window.YTD`` prefix and ``" : "`` separators, Facebook's ``\\u00c3\\u00a9``
mojibake, Mastodon's header-less old exports), written to ``tmp_path``.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from havewemet.errors import InputError
from havewemet.importers import ImportOptions, detect_format, read_source, readers
from havewemet.importers.social import JsonDoc, fix_mojibake, utc_date
from havewemet.importers.social_mastodon import mastodon_account
from havewemet.importers.social_x import screen_name
from havewemet.models import ImportBatch
from havewemet.store import Store

# -- fixture writers -----------------------------------------------------------------------


def ytd(name: str, entries: list) -> str:
    """An X archive file, formatted as X writes it."""
    body = json.dumps(entries, indent=2, separators=(",", " : "), ensure_ascii=False)
    return f"window.YTD.{name}.part0 = {body}"


def x_files() -> dict[str, str]:
    following = [
        {
            "following": {
                "accountId": "783214",
                "userLink": "https://twitter.com/intent/user?user_id=783214",
            }
        },
        {"following": {"accountId": "12", "userLink": "https://x.com/jack"}},
        {
            "following": {
                "accountId": "2244994945",
                "screenName": "XDevelopers",
                "userLink": "https://twitter.com/intent/user?user_id=2244994945",
            }
        },
    ]
    follower = [
        {"follower": {"accountId": "12", "userLink": "https://twitter.com/intent/user?user_id=12"}},
        {
            "follower": {
                "accountId": "555",
                "userLink": "https://twitter.com/intent/user?user_id=555",
            }
        },
    ]
    account = [
        {
            "account": {
                "email": "Ann@Example.com",
                "createdVia": "web",
                "username": "annsmith",
                "accountId": "99",
                "createdAt": "2010-03-01T09:15:00.000Z",
                "accountDisplayName": "Ann Smith",
            }
        }
    ]
    return {
        "data/following.js": ytd("following", following),
        "data/follower.js": ytd("follower", follower),
        "data/account.js": ytd("account", account),
        "data/tweets.js": ytd("tweets", []),
        "Your archive.html": "<html></html>",
    }


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def write_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def fb_json(key: str, entries: list[dict]) -> str:
    """A Facebook JSON file: UTF-8 escaped as Latin-1 code points, two-space indent."""
    fixed = [{k: mojibake(v) if isinstance(v, str) else v for k, v in e.items()} for e in entries]
    return json.dumps({key: fixed}, indent=2)


def identities(batch: ImportBatch) -> list[tuple]:
    return [
        (i.key, i.name, i.handles, i.urls, i.emails, i.extra, i.file, i.line)
        for i in batch.identities
    ]


def interactions(batch: ImportBatch) -> list[tuple]:
    return [
        (i.identity_key, i.kind, i.at, i.direction, i.detail, i.file, i.line)
        for i in batch.interactions
    ]


def assert_reimport_changes_nothing(batch: ImportBatch) -> None:
    store = Store.open(":memory:")
    first = store.save(batch)
    assert first.added["identities"] == len({i.key for i in batch.identities})
    second = store.save(batch)
    assert set(second.added.values()) == {0}
    assert set(second.updated.values()) == {0}


# -- X archive -----------------------------------------------------------------------------


def expected_x(prefix: str) -> tuple[list[tuple], list[tuple]]:
    fing, fer = f"{prefix}data/following.js", f"{prefix}data/follower.js"
    ids = [
        (
            "x/783214",
            "",
            ["x:783214"],
            ["https://x.com/i/user/783214"],
            [],
            {},
            fing,
            2,
        ),
        (
            "x/12",
            "",
            ["x:12", "@jack"],
            ["https://x.com/i/user/12", "https://x.com/jack"],
            [],
            {},
            fing,
            8,
        ),
        (
            "x/2244994945",
            "",
            ["x:2244994945", "@XDevelopers"],
            ["https://x.com/i/user/2244994945", "https://x.com/XDevelopers"],
            [],
            {},
            fing,
            14,
        ),
        ("x/555", "", ["x:555"], ["https://x.com/i/user/555"], [], {}, fer, 8),
    ]
    acts = [
        ("x/783214", "follow", None, "out", "", fing, 2),
        ("x/12", "follow", None, "both", "", fing, 8),
        ("x/2244994945", "follow", None, "out", "", fing, 14),
        ("x/555", "follow", None, "in", "", fer, 8),
    ]
    return ids, acts


@pytest.mark.parametrize("shape", ["zip", "folder"])
def test_x_archive(tmp_path: Path, shape: str) -> None:
    if shape == "zip":
        path = write_zip(tmp_path / "twitter-2024-01-02-abc.zip", x_files())
    else:
        path = write_tree(tmp_path / "twitter-archive", x_files())
    prefix = ""  # records name the file inside the archive, zip or folder (issue 13)
    assert detect_format(path) == "x-archive"
    batch = read_source(path)
    ids, acts = expected_x(prefix)
    assert identities(batch) == ids
    assert interactions(batch) == acts
    assert batch.source == "x"
    me = batch.me
    assert me is not None
    assert (me.name, me.handles, me.emails, me.urls, me.line) == (
        "Ann Smith",
        ["@annsmith", "x:99"],
        ["ann@example.com"],
        ["https://x.com/annsmith"],
        2,
    )
    assert me.extra == {"x_created_at": "2010-03-01T09:15:00"}
    assert sorted(batch.unknown_files) == ["Your archive.html", "data/tweets.js"]
    assert [(f.file, f.kind, f.rows, f.identities, f.interactions) for f in batch.files] == [
        ("data/account.js", "account", 1, 1, 0),
        ("data/following.js", "following", 3, 3, 3),
        ("data/follower.js", "follower", 2, 1, 1),
    ]
    assert_reimport_changes_nothing(batch)


def test_x_single_file_in_the_old_compact_shape(tmp_path: Path) -> None:
    # twitter-to-sqlite's fixture: "[ {" on the prefix line, ids only.
    text = (
        'window.YTD.following.part0 = [ {\n  "following" : {\n    "accountId" : "547842573"\n'
        '  }\n}, {\n  "following" : {\n    "accountId" : "12158"\n  }\n} ]'
    )
    path = tmp_path / "following.js"
    path.write_text(text, encoding="utf-8")
    assert detect_format(path) == "x-archive"
    batch = read_source(path)
    assert identities(batch) == [
        (
            "x/547842573",
            "",
            ["x:547842573"],
            ["https://x.com/i/user/547842573"],
            [],
            {},
            str(path),
            1,
        ),
        ("x/12158", "", ["x:12158"], ["https://x.com/i/user/12158"], [], {}, str(path), 5),
    ]
    assert interactions(batch) == [
        ("x/547842573", "follow", None, "out", "", str(path), 1),
        ("x/12158", "follow", None, "out", "", str(path), 5),
    ]


def test_x_single_follower_file_under_another_name(tmp_path: Path) -> None:
    path = tmp_path / "my followers.js"
    path.write_text(ytd("follower", [{"follower": {"accountId": "7"}}]), encoding="utf-8")
    batch = read_source(path)
    assert interactions(batch) == [("x/7", "follow", None, "in", "", str(path), 2)]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (ytd("following", [{"following": {"accountId": "1"}}])[:-8], 4, "truncated"),
        (
            'window.YTD.following.part0 = [\n {"following": {"accountId": "1"}},\n oops\n]',
            3,
            "not valid JSON",
        ),
        ('[{"following": {"accountId": "1"}}]', 1, "window.YTD"),
        (
            'window.YTD.following.part0 = [\n  {"following": {"userLink": "x"}}\n]',
            2,
            "no numeric accountId",
        ),
        ('window.YTD.following.part0 = [\n  "12"\n]', 2, "entry 1"),
        ('window.YTD.following.part0 = {"a": 1}', 1, "does not hold a list"),
        ("window.YTD.tweets.part0 = []", 1, "window.YTD.tweets"),
        ("window.YTD.following.part0 = [] trailing", 1, "unexpected text"),
    ],
)
def test_x_malformed_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "following.js"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_source(path, format="x-archive")
    assert e.value.file == str(path)
    assert e.value.line == line
    assert message in str(e.value)


def test_x_malformed_inside_a_zip_names_the_member(tmp_path: Path) -> None:
    files = x_files()
    files["data/follower.js"] = files["data/follower.js"][:40]
    path = write_zip(tmp_path / "archive.zip", files)
    with pytest.raises(InputError) as e:
        read_source(path)
    assert e.value.file == "archive.zip:data/follower.js"
    assert e.value.line == 3


def test_x_archive_without_follows_is_an_error(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path / "arch", {"data/tweets.js": ytd("tweets", []), "data/like.js": ytd("like", [])}
    )
    with pytest.raises(InputError, match="holds no following.js"):
        read_source(path, format="x-archive")


def test_screen_name() -> None:
    assert screen_name("https://mobile.twitter.com/Some_One") == "Some_One"
    assert screen_name("https://x.com/i/user/12") == ""
    assert screen_name("https://x.com/jack/status/20") == ""
    assert screen_name("https://example.com/jack") == ""
    assert screen_name("https://[::1") == ""


# -- Mastodon ------------------------------------------------------------------------------


def mastodon_files() -> dict[str, str]:
    return {
        "following_accounts.csv": (
            "Account address,Show boosts,Notify on new posts,Languages\n"
            "Gargron@mastodon.social,true,false,\n"
            'ann@fosstodon.org,true,true,"en,fr"\n'
            "bob@hachyderm.io,false,false,\n"
        ),
        "followers.csv": "Account address\nann@fosstodon.org\ncarol@mas.to\n",
        "lists.csv": "Work,ann@fosstodon.org\nWork,bob@hachyderm.io\nFriends,ann@fosstodon.org\n",
        "blocked_accounts.csv": "spam@bad.example\n",
        "muted_accounts.csv": "Account address,Hide notifications\nloud@mas.to,true\n",
        "bookmarks.csv": "https://mastodon.social/@Gargron/1\n",
    }


def test_mastodon_folder(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "mastodon", mastodon_files())
    assert detect_format(root) == "mastodon-csv"
    batch = read_source(root)
    f = ""  # the file inside the folder (issue 13)
    assert identities(batch) == [
        (
            "mastodon/gargron@mastodon.social",
            "",
            ["@gargron@mastodon.social"],
            ["https://mastodon.social/@gargron"],
            [],
            {},
            f + "following_accounts.csv",
            2,
        ),
        (
            "mastodon/ann@fosstodon.org",
            "",
            ["@ann@fosstodon.org"],
            ["https://fosstodon.org/@ann"],
            [],
            {"mastodon_lists": ["Work", "Friends"]},
            f + "following_accounts.csv",
            3,
        ),
        (
            "mastodon/bob@hachyderm.io",
            "",
            ["@bob@hachyderm.io"],
            ["https://hachyderm.io/@bob"],
            [],
            {"mastodon_lists": ["Work"]},
            f + "following_accounts.csv",
            4,
        ),
        (
            "mastodon/carol@mas.to",
            "",
            ["@carol@mas.to"],
            ["https://mas.to/@carol"],
            [],
            {},
            f + "followers.csv",
            3,
        ),
        (
            "mastodon/spam@bad.example",
            "",
            ["@spam@bad.example"],
            ["https://bad.example/@spam"],
            [],
            {"blocked": True},
            f + "blocked_accounts.csv",
            1,
        ),
        (
            "mastodon/loud@mas.to",
            "",
            ["@loud@mas.to"],
            ["https://mas.to/@loud"],
            [],
            {"muted": True},
            f + "muted_accounts.csv",
            2,
        ),
    ]
    # Blocks and mutes are never evidence; lists add nothing when the follows are given.
    assert interactions(batch) == [
        (
            "mastodon/gargron@mastodon.social",
            "follow",
            None,
            "out",
            "",
            f + "following_accounts.csv",
            2,
        ),
        ("mastodon/ann@fosstodon.org", "follow", None, "both", "", f + "following_accounts.csv", 3),
        ("mastodon/bob@hachyderm.io", "follow", None, "out", "", f + "following_accounts.csv", 4),
        ("mastodon/carol@mas.to", "follow", None, "in", "", f + "followers.csv", 3),
    ]
    assert batch.unknown_files == ["bookmarks.csv"]
    assert_reimport_changes_nothing(batch)


def test_mastodon_headerless_old_export_with_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "following_accounts.csv"
    path.write_bytes(b"alice@example.com\r\n\r\n@dan@Example.org\r\nhttps://mas.to/@eve\r\n")
    assert detect_format(path) == "mastodon-csv"
    batch = read_source(path)
    assert [(i.key, i.line) for i in batch.identities] == [
        ("mastodon/alice@example.com", 1),
        ("mastodon/dan@example.org", 3),
        ("mastodon/eve@mas.to", 4),
    ]
    assert {i.direction for i in batch.interactions} == {"out"}


def test_mastodon_lists_alone_imply_follows(tmp_path: Path) -> None:
    path = tmp_path / "lists.csv"
    path.write_text("Mastodon project,gargron@example.com\ntest,foo@example.com\n")
    assert detect_format(path) == "mastodon-csv"
    batch = read_source(path)
    assert [(i.key, i.extra) for i in batch.identities] == [
        ("mastodon/gargron@example.com", {"mastodon_lists": ["Mastodon project"]}),
        ("mastodon/foo@example.com", {"mastodon_lists": ["test"]}),
    ]
    assert interactions(batch) == [
        ("mastodon/gargron@example.com", "follow", None, "out", "", str(path), 1),
        ("mastodon/foo@example.com", "follow", None, "out", "", str(path), 2),
    ]


def test_mastodon_local_account_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "following_accounts.csv"
    path.write_text("Account address,Show boosts\nbob,true\neve@example.com,false\n")
    batch = read_source(path)
    assert [(i.key, i.handles, i.urls) for i in batch.identities] == [
        ("mastodon/bob", ["@bob"], []),
        ("mastodon/eve@example.com", ["@eve@example.com"], ["https://example.com/@eve"]),
    ]
    assert batch.warnings == [
        f"{path}, line 2: 'bob' has no server (a local account); it can only be matched by name"
    ]


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (
            "following_accounts.csv",
            "Account address,Show boosts\na@b.org,true\nnot an address,true\n",
            3,
        ),
        ("following_accounts.csv", "a@b.org\n\nJohn Smith <john@example.com>\n", 3),
        ("lists.csv", "Work,a@b.org\nWork\n", 2),
        ("following_accounts.csv", 'a@b.org\n"unclosed,quote\n', 2),
    ],
)
def test_mastodon_malformed_names_file_and_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_source(path, format="mastodon-csv")
    assert (e.value.file, e.value.line) == (str(path), line)


def test_mastodon_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "following_accounts.csv"
    path.write_bytes(b"a@b.org\nj\xe9r\xf4me@b.org\n")
    with pytest.raises(InputError) as e:
        read_source(path)
    assert (e.value.file, e.value.line) == (str(path), 2)


def test_mastodon_account() -> None:
    assert mastodon_account(" @Ann@Fosstodon.org ") == "ann@fosstodon.org"
    assert mastodon_account("https://hachyderm.io/@bob/") == "bob@hachyderm.io"
    assert mastodon_account("bob") == "bob"
    assert mastodon_account("a@b") is None
    assert mastodon_account("a b@c.org") is None


# -- Facebook ------------------------------------------------------------------------------


def facebook_files() -> dict[str, str]:
    return {
        "connections/friends/your_friends.json": fb_json(
            "friends_v2",
            [
                {"name": "José María Vázquez", "timestamp": 1293840000},
                {"name": "Ingrid Björnsdóttir", "timestamp": 1277337600},
            ],
        ),
        "connections/friends/received_friend_requests.json": fb_json(
            "received_requests_v2",
            [
                {"name": "Zoë Ålund", "timestamp": 1700000000},
            ],
        ),
        "connections/friends/sent_friend_requests.json": fb_json(
            "sent_requests_v2",
            [
                {"name": "Ken Ito", "timestamp": 1600000000},
            ],
        ),
        "connections/friends/removed_friends.json": fb_json(
            "deleted_friends_v2",
            [
                {"name": "Old Pal", "timestamp": 1500000000},
            ],
        ),
        "personal_information/profile_information/profile_information.json": json.dumps(
            {
                "profile_v2": {
                    "name": {
                        "full_name": mojibake("Renée Doe"),
                        "first_name": mojibake("Renée"),
                        "middle_name": "",
                        "last_name": "Doe",
                    },
                    "emails": {
                        "emails": ["renee@example.com"],
                        "previous_emails": ["R@old.example"],
                        "pending_emails": [],
                    },
                    "current_city": {"name": "Portland, Oregon", "timestamp": 1546300800},
                    "work_experiences": [
                        {
                            "employer": {"name": "Acme Inc."},
                            "title": "Engineer",
                            "start_timestamp": 1341100800,
                            "end_timestamp": 0,
                        }
                    ],
                    "username": "renee.doe",
                    "profile_uri": "https://www.facebook.com/renee.doe",
                }
            },
            indent=2,
        ),
        "your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_1.json": "[]",
    }


@pytest.mark.parametrize("shape", ["zip", "folder"])
def test_facebook_download(tmp_path: Path, shape: str) -> None:
    if shape == "zip":
        path = write_zip(tmp_path / "facebook-renee-2024.zip", facebook_files())
    else:
        path = write_tree(tmp_path / "facebook-renee", facebook_files())
    p = "connections/friends/"  # the same in both shapes (issue 13)
    assert detect_format(path) == "facebook-json"
    batch = read_source(path)
    assert identities(batch) == [
        (
            "facebook/josé maría vázquez",
            "José María Vázquez",
            [],
            [],
            [],
            {},
            p + "your_friends.json",
            3,
        ),
        (
            "facebook/ingrid björnsdóttir",
            "Ingrid Björnsdóttir",
            [],
            [],
            [],
            {},
            p + "your_friends.json",
            7,
        ),
        ("facebook/zoë ålund", "Zoë Ålund", [], [], [], {}, p + "received_friend_requests.json", 3),
        ("facebook/ken ito", "Ken Ito", [], [], [], {}, p + "sent_friend_requests.json", 3),
        (
            "facebook/old pal",
            "Old Pal",
            [],
            [],
            [],
            {"facebook_removed": "2017-07-14"},
            p + "removed_friends.json",
            3,
        ),
    ]
    assert interactions(batch) == [
        (
            "facebook/josé maría vázquez",
            "friend",
            "2011-01-01",
            "both",
            "",
            p + "your_friends.json",
            3,
        ),
        (
            "facebook/ingrid björnsdóttir",
            "friend",
            "2010-06-24",
            "both",
            "",
            p + "your_friends.json",
            7,
        ),
        (
            "facebook/zoë ålund",
            "friend",
            "2023-11-14",
            "in",
            "friend request",
            p + "received_friend_requests.json",
            3,
        ),
        (
            "facebook/ken ito",
            "friend",
            "2020-09-13",
            "out",
            "friend request",
            p + "sent_friend_requests.json",
            3,
        ),
    ]
    me = batch.me
    assert me is not None
    assert (me.name, me.first_name, me.emails, me.handles, me.urls, me.location) == (
        "Renée Doe",
        "Renée",
        ["renee@example.com", "r@old.example"],
        ["facebook:renee.doe"],
        ["https://www.facebook.com/renee.doe"],
        "Portland, Oregon",
    )
    assert [(j["company"], j["title"], j["start"], j["end"]) for j in batch.positions] == [
        ("Acme Inc.", "Engineer", "2012-07-01", "")
    ]
    assert batch.unknown_files == [
        "your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_1.json"
    ]
    assert_reimport_changes_nothing(batch)


def test_facebook_old_friends_json_with_contact_info(tmp_path: Path) -> None:
    path = tmp_path / "friends.json"
    path.write_text(
        fb_json(
            "friends",
            [
                {"name": "Ann Lee", "timestamp": 1420070400, "contact_info": "Ann@Example.com"},
                {"name": "Bo Chen", "timestamp": 0},
            ],
        )
    )
    assert detect_format(path) == "facebook-json"
    batch = read_source(path)
    assert [(i.key, i.emails, i.line) for i in batch.identities] == [
        ("facebook/ann lee", ["ann@example.com"], 3),
        ("facebook/bo chen", [], 8),
    ]
    assert [(i.at, i.direction) for i in batch.interactions] == [
        ("2015-01-01", "both"),
        (None, "both"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            '{\n  "friends_v2": [\n    {"name": "A", "timestamp": 1},\n    {"name": "B",\n',
            4,
            "truncated",
        ),
        ('{\n  "friends_v2": [\n    {"name": "A" "timestamp": 1}\n  ]\n}', 3, "not valid JSON"),
        ('{\n  "friends_v2": [\n    {"timestamp": 1}\n  ]\n}', 3, "entry 1 has no name"),
        ('{\n  "friends_v2": {"name": "A"}\n}', 1, "does not hold a list"),
    ],
)
def test_facebook_malformed_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "your_friends.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_source(path, format="facebook-json")
    assert (e.value.file, e.value.line) == (str(path), line)
    assert message in str(e.value)


def test_fix_mojibake_and_dates() -> None:
    assert fix_mojibake("Jos\u00c3\u00a9 \u00e2\u0080\u0094 Zo\u00c3\u00ab") == "José — Zoë"
    assert fix_mojibake("Crème") == "Crème"  # already right: unchanged
    assert fix_mojibake("日本") == "日本"
    assert utc_date(1190678400) == "2007-09-25"
    assert [utc_date(v) for v in (0, -5, True, "1", 1e300, float("nan"))] == [None] * 6


# -- Bluesky -------------------------------------------------------------------------------


def test_bluesky_profiles_and_followers(tmp_path: Path) -> None:
    root = tmp_path / "bsky"
    write_tree(
        root,
        {
            "follows.json": json.dumps(
                {
                    "subject": {"did": "did:plc:me", "handle": "me.bsky.social"},
                    "follows": [
                        {
                            "did": "did:plc:alice1",
                            "handle": "alice.bsky.social",
                            "displayName": "Alice A",
                            "createdAt": "2023-04-01T00:00:00.000Z",
                        },
                        {"did": "did:plc:bob22", "handle": "bob.example.com", "displayName": "Bob"},
                    ],
                    "cursor": "abc",
                },
                indent=2,
            ),
            "followers.json": json.dumps(
                [
                    {"did": "did:plc:bob22", "handle": "bob.example.com"},
                    {"handle": "@Carol.bsky.social"},
                ],
                indent=2,
            ),
        },
    )
    batch = read_source(root, format="bluesky-json")
    f = ""  # the file inside the folder (issue 13)
    assert identities(batch) == [
        (
            "bsky/did:plc:bob22",
            "Bob",
            ["@bob.example.com", "did:plc:bob22"],
            ["https://bsky.app/profile/bob.example.com"],
            [],
            {},
            f + "followers.json",
            2,
        ),
        (
            "bsky/carol.bsky.social",
            "",
            ["@carol.bsky.social"],
            ["https://bsky.app/profile/carol.bsky.social"],
            [],
            {},
            f + "followers.json",
            6,
        ),
        (
            "bsky/did:plc:alice1",
            "Alice A",
            ["@alice.bsky.social", "did:plc:alice1"],
            ["https://bsky.app/profile/alice.bsky.social"],
            [],
            {},
            f + "follows.json",
            7,
        ),
    ]
    # A profile's createdAt is when the account was made, not when it was followed.
    assert interactions(batch) == [
        ("bsky/did:plc:bob22", "follow", None, "both", "", f + "followers.json", 2),
        ("bsky/carol.bsky.social", "follow", None, "in", "", f + "followers.json", 6),
        ("bsky/did:plc:alice1", "follow", None, "out", "", f + "follows.json", 7),
    ]
    assert batch.identities[1].name == ""  # no displayName given
    assert_reimport_changes_nothing(batch)


def test_bluesky_follow_records(tmp_path: Path) -> None:
    path = tmp_path / "app.bsky.graph.follow.json"
    path.write_text(
        json.dumps(
            {
                "records": [
                    {
                        "uri": "at://did:plc:me/app.bsky.graph.follow/3k1",
                        "cid": "bafy1",
                        "value": {
                            "$type": "app.bsky.graph.follow",
                            "subject": "did:plc:alice1",
                            "createdAt": "2023-05-01T12:30:00.000Z",
                        },
                    },
                    {
                        "uri": "at://did:plc:me/app.bsky.graph.follow/3k2",
                        "cid": "bafy2",
                        "value": {
                            "$type": "app.bsky.graph.follow",
                            "subject": "did:web:dan.example.org",
                            "createdAt": "2024-01-02T03:04:05Z",
                        },
                    },
                ]
            },
            indent=2,
        )
    )
    assert detect_format(path) == "bluesky-json"
    batch = read_source(path)
    assert identities(batch) == [
        (
            "bsky/did:plc:alice1",
            "",
            ["did:plc:alice1"],
            ["https://bsky.app/profile/did:plc:alice1"],
            [],
            {},
            str(path),
            3,
        ),
        (
            "bsky/did:web:dan.example.org",
            "",
            ["did:web:dan.example.org"],
            ["https://bsky.app/profile/did:web:dan.example.org"],
            [],
            {},
            str(path),
            12,
        ),
    ]
    assert interactions(batch) == [
        ("bsky/did:plc:alice1", "follow", "2023-05-01T12:30:00", "out", "", str(path), 3),
        ("bsky/did:web:dan.example.org", "follow", "2024-01-02T03:04:05", "out", "", str(path), 12),
    ]
    assert_reimport_changes_nothing(batch)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            '[\n  {"did": "did:plc:a", "handle": "a.bsky.social"},\n  {"displayName": "X"}\n]',
            3,
            "neither a did nor a handle",
        ),
        ('[\n  {"did": "plc:a"}\n]', 2, "is not a DID"),
        ('[\n  {"handle": "not a handle"}\n]', 2, "is not a handle"),
        ('[\n  {"did": "did:plc:a"},\n', 2, "truncated"),
        ('"did:plc:a"', 1, "holds no list"),
    ],
)
def test_bluesky_malformed_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "follows.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_source(path, format="bluesky-json")
    assert (e.value.file, e.value.line) == (str(path), line)
    assert message in str(e.value)


# -- shared: JSON lines, sniffing ----------------------------------------------------------


def test_json_doc_tracks_lines_and_rejects_deep_nesting() -> None:
    text = '{"a": [\n {"b": 1},\n\n {"c": {"d": 2}},\n "e"\n]}'
    doc = JsonDoc(text, "f.json", depth=4)
    items = doc.data["a"]
    assert [doc.line_of(x) for x in items[:2]] == [2, 4]
    assert doc.line_of(items[1]["c"]) == 4
    assert [doc.line_of_item(items, n) for n in range(3)] == [2, 4, 5]
    shallow = JsonDoc(text, "f.json", depth=2)  # items decoded whole: their lines still known
    assert [shallow.line_of_item(shallow.data["a"], n) for n in range(3)] == [2, 4, 5]
    assert shallow.line_of(shallow.data["a"][0]) == 0
    with pytest.raises(InputError, match="nested too deeply"):
        JsonDoc("[" * 100_000 + "]" * 100_000, "deep.json")


def test_formats_are_registered_and_not_claimed_by_each_other(tmp_path: Path) -> None:
    assert {"x-archive", "mastodon-csv", "facebook-json", "bluesky-json"} <= set(readers())
    samples = {
        "following.js": (ytd("following", []), "x-archive"),
        "your_friends.json": (fb_json("friends_v2", []), "facebook-json"),
        "following_accounts.csv": ("Account address,Show boosts\n", "mastodon-csv"),
        "follows.json": ('[{"did": "did:plc:a", "handle": "a.bsky.social"}]', "bluesky-json"),
    }
    for name, (text, fmt) in samples.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert detect_format(tmp_path / name) == fmt


def test_source_option_renames_every_record(tmp_path: Path) -> None:
    path = tmp_path / "following_accounts.csv"
    path.write_text("a@b.org\n")
    batch = read_source(path, options=ImportOptions(source="mastodon-work"))
    assert {batch.source, *(i.source for i in batch.identities)} == {"mastodon-work"}


# -- property tests: arbitrary input gives InputError or a batch, nothing else -------------

FORMATS = {
    "x-archive": "following.js",
    "mastodon-csv": "following_accounts.csv",
    "facebook-json": "your_friends.json",
    "bluesky-json": "follows.json",
}
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["did:plc:a", "a.bsky.social", "12", "https://x.com/jack", "a@b.org"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "following",
                    "follower",
                    "accountId",
                    "userLink",
                    "screenName",
                    "friends_v2",
                    "name",
                    "timestamp",
                    "did",
                    "handle",
                    "subject",
                    "createdAt",
                    "value",
                    "records",
                    "follows",
                    "contact_info",
                    "label_values",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def _load_text(fmt: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / FORMATS[fmt]
        path.write_bytes(data)
        try:
            batch = read_source(path, format=fmt)
        except InputError as e:
            assert e.file and str(e)
            return
        Store.open(":memory:").save(batch)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(sorted(FORMATS)), data=st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_input_error(fmt: str, data: bytes) -> None:
    _load_text(fmt, data)


@settings(max_examples=150, deadline=None)
@given(
    fmt=st.sampled_from(sorted(FORMATS)),
    value=json_values,
    prefix=st.sampled_from(
        [
            "",
            "window.YTD.following.part0 = ",
            "window.YTD.follower.part0 = ",
            "window.YTD.account.part0 = ",
        ]
    ),
)
def test_arbitrary_json_shapes_raise_only_input_error(fmt: str, value: object, prefix: str) -> None:
    _load_text(fmt, (prefix + json.dumps(value, indent=1)).encode())


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.text(alphabet='ab@.,"\n -_:/1', max_size=20), max_size=6),
    name=st.sampled_from(["following_accounts.csv", "lists.csv", "blocked_accounts.csv"]),
)
def test_arbitrary_mastodon_lines_raise_only_input_error(lines: list[str], name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text("\n".join(lines), encoding="utf-8")
        try:
            batch = read_source(path, format="mastodon-csv")
        except InputError as e:
            assert e.file == str(path)
            return
        assert all(i.key.startswith("mastodon/") for i in batch.identities)


def test_failed_import_leaves_the_store_unchanged(tmp_path: Path) -> None:
    good = tmp_path / "following_accounts.csv"
    good.write_text("a@b.org\n")
    store = Store.open(":memory:")
    store.save(read_source(good))
    before = store.counts()
    bad = tmp_path / "x" / "following_accounts.csv"
    bad.parent.mkdir()
    bad.write_text("c@d.org\nnot an account\n")
    with pytest.raises(InputError):
        store.save(read_source(bad))
    assert store.counts() == before
