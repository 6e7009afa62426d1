import pytest

from masthead.moderation.text import fingerprint, normalise
from masthead.moderation.wordlists import Matcher


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Keep kicking the R A T S", "keep kicking the rats"),
        ("the r.a.t.s again", "the rats again"),
        ("r-a-t-s", "rats"),
        ("ƒuck off", "fuck off"),
        ("Ｆｕｃｋ", "fuck"),
        ("sh1t and @ss", "shit and ass"),
        ("fuuuuuck", "fuck"),
        ("ѕсum", "scum"),  # Cyrillic look-alikes
        ("Naïve café", "naive cafe"),
        ("In 2024 the vote", "in 2024 the vote"),
    ],
)
def test_normalise_undoes_disguises(typed: str, meant: str) -> None:
    assert normalise(typed) == meant


def test_normalise_keeps_greek_words_words() -> None:
    assert normalise("χρηστος γράφει") == "χpησtoσ γpaφei"


def test_fingerprint_is_the_same_for_the_same_words_typed_differently() -> None:
    assert fingerprint(normalise("The RATS!")) == fingerprint(normalise("the r a t s"))
    assert fingerprint(normalise("the rats")) != fingerprint(normalise("the cats"))


@pytest.fixture
def matcher() -> Matcher:
    words = ["cunt", "ass", "cock", "rats", "fuck", "go back where you came from"]
    return Matcher([(normalise(word), "banned") for word in words] + [("idiot", "suspect")])


@pytest.mark.parametrize(
    "benign",
    [
        "Scunthorpe United won on Saturday",
        "The assessment of the harbour was published",
        "A cocktail party for the mayor",
        "Pratsky's strategy for the ratings",
        "Class action against the assembly",
        "",
    ],
)
def test_word_lists_ignore_words_inside_other_words(matcher: Matcher, benign: str) -> None:
    assert matcher.find(normalise(benign)) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Keep kicking the r a t s", "rats"),
        ("ƒuck that", "fuck"),
        ("what an ASS.", "ass"),
        ("Go back where you came from!", "go back where you came from"),
        ("Go   back, where you came from", "go back where you came from"),
    ],
)
def test_word_lists_find_disguised_words_and_phrases(matcher: Matcher, text: str, phrase: str) -> None:
    assert [match.phrase for match in matcher.find(normalise(text))] == [phrase]


def test_word_lists_report_each_kind(matcher: Matcher) -> None:
    found = {(match.kind, match.phrase) for match in matcher.find(normalise("rats, you idiot"))}
    assert found == {("banned", "rats"), ("suspect", "idiot")}


def test_an_empty_list_matches_nothing() -> None:
    assert Matcher([]).find("anything at all") == []
