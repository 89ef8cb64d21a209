"""Names: folding, parsing and given-name/surname levels (issue 3, Build 1)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havewemet.identity.names import (
    ParsedName,
    _fast_parse,
    _full_parse,
    close_spelling,
    fold,
    given_level,
    given_names_match,
    parse_name,
    skeleton,
    surname_level,
)


def _fml(pn):
    return (pn.first, pn.middle, pn.last)


def test_parse_strips_titles_credentials_emoji():
    assert _fml(parse_name("Dr Jane Doe, PhD 🚀")) == ("jane", "", "doe")
    assert _fml(parse_name("Jane Doe, CIPD, MBA")) == ("jane", "", "doe")


def test_parse_family_name_first():
    assert _fml(parse_name("DOE Jane")) == ("jane", "", "doe")
    assert _fml(parse_name("Doe, Jane")) == ("jane", "", "doe")
    assert _fml(parse_name("J. Smith")) == ("j", "", "smith")  # an initial is not a family name


def test_parse_maiden_and_nickname():
    assert parse_name("Jane Smith née Jones").maiden == "jones"
    assert parse_name("Jane Smith (Jones)").maiden == "jones"
    assert parse_name('Robert "Bob" Smith').nickname == "bob"


@pytest.mark.parametrize(
    ("a", "b", "level", "near_miss"),
    [
        ("José", "Jose", "spelling", "Jesus"),  # transliteration
        ("Łukasz", "Lukasz", "spelling", "Lucjan"),
        ("Bob", "Robert", "variant", "Rupinder"),  # English nickname
        ("Hans", "Johannes", "variant", "Heinz"),  # German hypocoristic
        ("Paco", "Francisco", "variant", "Pablo"),  # Spanish
        ("Beppe", "Giuseppe", "variant", "Giorgio"),  # Italian
        ("Kasia", "Katarzyna", "variant", "Karolina"),  # Polish
        ("Katharina", "Catarina", "spelling", "Carolina"),
        ("J", "Jane", "initial", "K"),  # initials
        ("Jonathon", "Jonathan", "variant", "Joanna"),
    ],
)
def test_given_levels_positive_and_near_miss(a, b, level, near_miss):
    assert given_level(a, b)[0] == level
    assert given_names_match(a, b)
    assert not given_names_match(near_miss, b)


@pytest.mark.parametrize(
    ("a", "b"), [("Daniel", "Daniela"), ("Mario", "Maria"), ("Robert", "William"), ("Jan", "Jane")]
)
def test_similar_but_different_given_names(a, b):
    assert given_level(a, b)[0] == "none"


def test_mueller_muller():
    assert skeleton("Müller") == skeleton("Mueller") == skeleton("Muller")
    assert skeleton("Miller") != skeleton("Muller")
    assert surname_level(parse_name("Jan Müller"), parse_name("Jan Mueller"))[0] == "exact"
    assert surname_level(parse_name("Jan Müller"), parse_name("Jan Möller"))[0] != "spelling"


@pytest.mark.parametrize(
    ("a", "b", "level", "near_miss"),
    [
        ("Jane Smith née Jones", "Jane Jones", "maiden", "Jane Jonas"),
        ("Jane Smith-Jones", "Jane Jones", "part", "Jane Jonson"),
        ("María García López", "Maria Garcia", "part", "Maria Garza"),
        ("Anna van der Berg", "Anna Berg", "part", "Anna Borg"),
        ("John Smith", "John Smiht", "fuzzy", "John Smart"),
    ],
)
def test_surname_levels_positive_and_near_miss(a, b, level, near_miss):
    assert surname_level(parse_name(a), parse_name(b))[0] == level
    assert surname_level(parse_name(a), parse_name(near_miss))[0] == "none"


def test_middle_name_present_or_absent():
    pn = parse_name("Robert James Smith")
    assert (pn.first, pn.middle, pn.last) == ("robert", "james", "smith")
    assert surname_level(pn, parse_name("Robert Smith"))[0] == "exact"


@given(st.text())
def test_parse_never_raises_and_fold_is_idempotent(text):
    pn = parse_name(text)
    assert fold(pn.first) == pn.first
    assert fold(fold(text)) == fold(text)
    assert skeleton(skeleton(text)) == skeleton(text)


@given(st.text(max_size=12), st.text(max_size=12))
def test_given_level_symmetric(a, b):
    assert given_level(a, b)[0] == given_level(b, a)[0]


@pytest.mark.parametrize(
    ("a", "b", "near_miss"),
    [
        ("Pauk", "Paul", "Pearl"),  # one key slipped in a short name
        ("Webv", "Webb", "White"),
        ("Kylwc", "Kyle", "Kirk"),  # two slips
        ("Jonas", "Jones", "Jenkins"),
    ],
)
def test_close_spelling_positive_and_near_miss(a, b, near_miss):
    assert close_spelling(a, b) and close_spelling(b, a)
    assert not close_spelling(near_miss, b)
    assert not given_names_match(a, b)  # close is weak evidence, never a match on its own


def test_close_spelling_excludes_known_different_names():
    assert not close_spelling("Daniel", "Daniela")
    assert not close_spelling("Jo", "Joe")  # too short to tell


def test_surname_part_ignores_names_without_letters():
    assert surname_level(parse_name("1 0"), parse_name("0 1"))[0] != "part"


def test_nickname_reaches_foreign_forms_through_its_canonical_name():
    # Betty is a nickname of Elizabeth (nicknames package); Elżbieta is in Elizabeth's group.
    assert given_level("Betty", "Elżbieta")[0] == "variant"
    assert given_level("Betty", "Ewa")[0] == "none"  # same script, different family


@pytest.mark.parametrize(
    ("slip", "name", "near_miss"),
    [
        ("Kayl", "Kayla", ("Daniel", "Daniela")),  # a known name and a non-name
        ("Tylet", "Tyler", ("Jade", "Jane")),  # one letter changed in a short name
        ("Kyl", "Kyle", ("Liam", "Lia")),  # down to three letters
        ("Henrya", "Henry", ("Paul", "Paula")),
        ("Melind", "Melinda", ("Aleksandr", "Aleksandra")),
    ],
)
def test_slip_off_a_known_given_name_is_a_typo(slip, name, near_miss):
    # One of the two spellings is not a known given name: a slip of the keyboard.
    assert given_level(slip, name)[0] == "fuzzy"
    assert given_level(name, slip)[0] == "fuzzy"
    # Two known names a letter apart (same initial, similar spelling) stay different.
    assert given_level(*near_miss)[0] == "none"
    assert not given_names_match(*near_miss)


_DIGIT_WORD = st.one_of(
    st.from_regex(r"[A-Za-zéØ]{1,4}[0-9]{1,3}[A-Za-z]{0,2}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}[A-Za-z]{1,4}", fullmatch=True),
    st.sampled_from(["3rd", "2nd", "9th", "2lt", "po2", "Cwo3", "1st", "Zz123", "A1c"]),
)
_OTHER_WORD = st.sampled_from(
    ["Anna", "Smith", "van", "Dr", "MBA", "O'Brien", "Le", "II", "Jr", "2", "x", "Ab"]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_OTHER_WORD, _DIGIT_WORD), _DIGIT_WORD, st.booleans())
def test_the_fast_parse_reads_names_with_digits_as_nameparser_does(other, word, first):
    # Names of letters only keep the fast path's own title and particle lists (it
    # reads "Ab Lee" as a given name, nameparser "Ab" as a title): only the word with
    # digits is new, so a pair is checked where the same pair with "Lee" agrees.
    text = f"{word} {other}" if first else f"{other} {word}"
    plain = f"Lee {other}" if first else f"{other} Lee"
    fast = _fast_parse(text)
    if fast is not None and _fast_parse(plain) == _full_parse(plain):
        assert fast == _full_parse(text)
    assert _fast_parse(f"Anna {word} Lee") is None  # three words with digits: nameparser


def test_handles_as_names_take_the_fast_path_and_titles_with_digits_do_not():
    assert _fast_parse("Farid Zz123") == ParsedName("farid", "", "zz123")
    assert _fast_parse("Anna Smith2") == ParsedName("anna", "", "smith2")
    assert _fast_parse("John Smith 3rd") is None  # '3rd' is one of nameparser's titles
    assert _fast_parse("Anna 2") is None  # a number alone is left to nameparser


def test_known_given_names_are_derived_once_and_read_back(tmp_path, monkeypatch):
    from importlib import metadata

    from havewemet.identity import given_names

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(given_names, "_faker_first_names", lambda: frozenset({"anna", "bob"}))
    assert given_names._load_known() == {"anna", "bob"}
    cache = tmp_path / "havewemet" / f"given-names-faker-{metadata.version('faker')}.txt"
    assert cache.read_text(encoding="utf-8").split() == ["anna", "bob"]

    def derive_again():
        raise AssertionError("derived again instead of read from the cache")

    monkeypatch.setattr(given_names, "_faker_first_names", derive_again)
    assert given_names._load_known() == {"anna", "bob"}
