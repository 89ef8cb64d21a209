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
