"""The matcher: blocking, Fellegi-Sunter scoring and explanations (issue 3)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from havewemet.identity import Matcher, Query
from havewemet.identity.compare import compare, make_rec

BOOK = [
    {"id": "ab", "name": "Robert J. Smith", "emails": ["r.smith@council.gov.uk"]},
    {"id": "mast", "name": "", "handles": ["@rjsmith@mastodon.social"]},
    {
        "id": "leeds",
        "name": "Rob Smith",
        "company": "Acme Sales",
        "urls": ["https://www.linkedin.com/in/robsmith-leeds"],
    },
    {"id": "jane", "name": "Jane Doe", "phones": ["+44 20 7946 0000"]},
    {"id": "jose", "name": "José Müller"},
    {"id": "lukasz", "name": "Łukasz Nowak"},
    {"id": "maiden", "name": "Jane Smith née Jones"},
    {"id": "li", "key": "in/jane-doe-4a1b2c3", "name": "Jane Doe"},
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(BOOK)


def _ids(matches, p=0.5):
    return [m.identity_id for m in matches if m.probability >= p and not m.conflict]


def test_issue_example(matcher):
    found = matcher.match(
        Query("Bob Smith", profile_url="linkedin.com/in/rjsmith-lib"), threshold=0.0
    )
    assert _ids(found) == ["ab", "mast"]
    top = found[0]
    assert "Bob is a form of Robert" in top.reasons
    assert top.weights["given"] > 0 and top.weights["surname"] > 0
    leeds = next(m for m in found if m.identity_id == "leeds")
    assert leeds.conflict and leeds.probability <= 0.05


@pytest.mark.parametrize(
    ("query", "expected", "near_miss"),
    [
        (Query("Jose Mueller"), "jose", Query("Jesus Miller")),
        (Query("Lukasz Nowak"), "lukasz", Query("Lukas Nowicki")),
        (Query("Jane Jones"), "maiden", Query("Jane Jonas")),
        (Query("DOE Jane"), "jane", Query("DOE Jade")),
        (Query("Dr Jane Doe, PhD 🚀"), "jane", Query("Dr Jana Doe")),
        (Query("Smith Robert"), "ab", Query("Smith Roberta")),
        (
            Query("R. Smith", emails=["R.Smith@council.gov.uk"]),
            "ab",
            Query("R. Smith", emails=["r.smith@county.gov.uk"]),
        ),
        (
            Query("J Doe", phones=["020 7946 0000"]),
            "jane",
            Query("J Doe", phones=["020 7946 0001"]),
        ),
        (
            Query("", profile_url="https://www.linkedin.com/in/jane-doe-4a1b2c3/"),
            "li",
            Query("", profile_url="https://www.linkedin.com/in/jane-doe-4a1b2c4/"),
        ),
    ],
)
def test_positive_and_near_miss(matcher, query, expected, near_miss):
    assert expected in _ids(matcher.match(query, threshold=0.0))
    assert expected not in _ids(matcher.match(near_miss, threshold=0.0))


def test_threshold_and_limit(matcher):
    assert matcher.match(Query("Nobody Atall")) == []
    assert len(matcher.match(Query("Jane Doe"), limit=1)) == 1


def test_explanations_name_fields():
    sc = compare(
        make_rec("q", name="Jane Doe", emails=["jane@x.org"]),
        make_rec("i", name="Jane Doe", emails=["jane@x.org"]),
    )
    assert sc.reasons == [
        "same given name (Jane)",
        "same surname (Doe)",
        "same e-mail (jane@x.org)",
    ]
    assert set(sc.parts) == {"given", "surname", "email", "handle"}


def test_missing_fields_count_zero():
    a = compare(make_rec("q", name="Jane Doe"), make_rec("i", name="Jane Doe"))
    b = compare(make_rec("q", name="Jane Doe"), make_rec("i", name="Jane Doe", company="Acme"))
    assert a.weight == b.weight


names = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)


@settings(max_examples=60, deadline=None)
@given(names, names, st.lists(st.emails(), max_size=1), st.lists(st.emails(), max_size=1))
def test_compare_symmetric_and_total(a, b, ea, eb):
    ra, rb = make_rec("a", name=a, emails=ea), make_rec("b", name=b, emails=eb)
    assert compare(ra, rb).weight == pytest.approx(compare(rb, ra).weight)


@settings(max_examples=60, deadline=None)
@given(names)
def test_match_never_raises(text):
    Matcher(BOOK + [{"id": "z", "name": text}]).match(Query(text, handles=[text]))


def _w(a, b):
    return compare(make_rec("q", name=a), make_rec("i", name=b)).weight


def test_close_spelling_ranks_above_a_different_name_but_is_no_match():
    book = Matcher([{"id": "webb", "name": "Riley Webb"}, {"id": "white", "name": "Riley White"}])
    found = book.match(Query("Riley Webv"), threshold=0.0)
    assert found[0].identity_id == "webb"
    assert found[0].probability < 0.5
    assert _w("Jade Doe", "Jane Doe") > _w("Maria Doe", "Jane Doe")
    assert _w("Jade Doe", "Jane Doe") < _w("Jane Doe", "Jane Doe") - 5


def test_swapped_names_with_a_typo():
    assert _w("Noble Jaco", "Jack Noble") > _w("Noble Jaco", "Jack Nolan")
    assert _w("Noble Jack", "Jack Noble") > _w("Noble Jack", "Jack Webb") + 10
    sc = compare(make_rec("q", name="Noble Jack"), make_rec("i", name="Jack Noble"))
    assert "given and family names in the other order" in sc.reasons


def test_swap_uses_the_term_frequency_of_the_role_it_lands_on():
    # The query's first word meets the identity's surname: the surname's u counts.
    a, b = make_rec("q", name="Shepherd Lachlan"), make_rec("i", name="Lachlan Shepherd")
    rare_surname = compare(a, b, u_given=0.05, u_last=0.0001).weight
    common_surname = compare(a, b, u_given=0.05, u_last=0.05).weight
    assert rare_surname > common_surname + 5


def test_stray_space_inside_a_name():
    assert _w("El Ton Noble", "Elton Noble") > _w("El Ton Noble", "Reeve Noble") + 5
    assert _w("Mia Kam P", "Mia Kamp") > _w("Mia Kam P", "Mia Crofts") + 5
    # A real middle name is not glued to the given name.
    assert _w("Robert James Smith", "Robertjames Smith") < _w("Robert James Smith", "Robert Smith")


def test_lone_word_meets_either_name():
    assert _w("Akkermans", "Jack Akkermans") > _w("Akkermans", "Jack Smith") + 5
    # A lone word's role is unknown: it is never weighed as a rare given name.
    lone = compare(make_rec("q", name="Mason Miles"), make_rec("i", name="Mason"), u_given=1e-5)
    full = compare(make_rec("q", name="Mason Miles"), make_rec("i", name="Mason Miles"))
    assert lone.weight < full.weight
    assert compare(make_rec("q", name="Mason Milek"), make_rec("i", name="Mason Miles")).weight > (
        compare(make_rec("q", name="Mason Milek"), make_rec("i", name="Mason")).weight
    )


def test_word_in_a_moved_or_unknown_role_weighs_by_its_frequency_in_any_role():
    # "Joel Morrison" meets "Samara Joel" only by reading Joel as a surname: with Joel
    # a common given name in the store that agreement says little; a word the store
    # holds once in any role ("Akkermans", alone) says much.
    a, b = make_rec("q", name="Joel Morrison"), make_rec("i", name="Samara Joel")
    common = compare(a, b, u_given=0.01, u_last=0.0002, u_word=lambda w, c: 0.02).weight
    rare = compare(a, b, u_given=0.01, u_last=0.0002, u_word=lambda w, c: 0.0002).weight
    assert rare > common + 5
    q, i = make_rec("q", name="Akkermans"), make_rec("i", name="Jack Akkermans")
    assert compare(q, i, u_word=lambda w, c: 0.0002).weight > compare(q, i).weight + 2
    m = Matcher(
        [{"id": "s", "name": "Samara Joel"}, {"id": "k", "name": "Jack Akkermans"}]
        + [{"id": f"j{n}", "name": f"Joel Person{n}"} for n in range(30)]
    )
    assert m.u_word("joel", "surname") > 10 * m.u_word("akkermans", "surname")
    assert (
        m.score(a, "s").probability
        < Matcher([{"id": "s", "name": "Samara Joel"}]).score(a, "s").probability
    )


def test_stray_space_in_a_name_written_family_first():
    # "Whiteley Ewa N": family name first and a space inside the given name.
    assert _w("Whiteley Ewa N", "Ewan Whiteley") > _w("Whiteley Ewa N", "Emma Whiteley") + 10
    assert _w("White Arc Hie", "Archie White") > _w("White Arc Hie", "Archer White") + 5
    # Near miss: the same letters but another given name (same initial) stays weak.
    assert _w("Whiteley Ewa N", "Ewart Whiteley") < _w("Whiteley Ewa N", "Ewan Whiteley") - 5


def test_identical_lone_words_weigh_as_the_word_in_any_role():
    # A lone "Ebert" meets a contact saved as "Ebert" at least as well as it meets
    # "Lachlan Ebert": either word may be a surname, its frequency in any role counts.
    m = Matcher(
        [
            {"id": "lone", "name": "Ebert"},
            {"id": "full", "name": "Lachlan Ebert"},
            {"id": "near", "name": "Eberl"},
        ]
        + [{"id": f"x{n}", "name": f"Person{n} Other{n}"} for n in range(300)]
    )
    q = make_rec("q", name="Ebert")
    lone, full, near = (m.score(q, i).probability for i in ("lone", "full", "near"))
    assert lone >= full
    # Near miss: a similar spelling with the same initial is no match.
    assert near < lone / 10 and near < 0.05
