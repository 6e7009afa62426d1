"""The screening pipeline through ``screen_text``: each check, its order, thresholds and trust."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from masthead.moderation import offensive
from masthead.moderation.models import (
    AuditEvent,
    BannedDomain,
    Phrase,
    Sanction,
    ScreeningRecord,
    Standing,
)
from masthead.moderation.services import (
    PIPELINE,
    domain_ban,
    moderation_mode_set,
    phrase_add,
    phrases_add_many,
    sanction_apply,
    screen_text,
    standing_record,
)

OFFENSIVE = [
    "You are a fucking idiot and everyone here knows it",
    "Shut up you stupid bitch",
    "What a pathetic piece of shit this council is",
]
BENIGN = [
    "The council should publish the harbour accounts before the vote.",
    "I grew up in Scunthorpe and the assessment of the cocktail bar licence was fair.",
    "Thank you for the careful reporting on the flood defences.",
    "I disagree strongly with the minister, but the article is balanced.",
]


@pytest.fixture
def lists(moderator):  # type: ignore[no-untyped-def]
    phrases_add_many(lines=["rats", "vermin"], kind=Phrase.Kind.BANNED, actor=moderator)
    phrases_add_many(lines=["clown", "traitor"], kind=Phrase.Kind.SUSPECT, actor=moderator)


def _established(user, approved: int = 5):  # type: ignore[no-untyped-def]
    for _ in range(approved):
        standing_record(user=user, approved=True)
    return user


@pytest.mark.parametrize("text", BENIGN)
def test_benign_comments_from_an_established_commenter_are_published(commenter, text: str) -> None:
    result = screen_text(text=text, author=_established(commenter))
    assert (result.verdict, result.reasons) == ("publish", [])
    assert result.score is not None and result.score < 0.5


@pytest.mark.parametrize("text", OFFENSIVE)
def test_offensive_comments_score_high_warn_first_then_hold(commenter, text: str) -> None:
    _established(commenter)
    first = screen_text(text=text, author=commenter)
    assert first.verdict == "reject"
    assert first.codes == ["offensive_warning"]
    assert "may be offensive" in first.reasons[0]
    again = screen_text(text=text, author=commenter)
    assert again.verdict == "hold"
    assert again.codes == ["offensive"]
    assert again.reasons[0].startswith("Offensive-language score ")
    assert again.score is not None and again.score >= 0.8


def test_offensive_text_is_held_at_once_without_a_warning_for_imports(commenter) -> None:
    result = screen_text(text=OFFENSIVE[0], author=_established(commenter), warn=False)
    assert (result.verdict, result.codes) == ("hold", ["offensive"])


def test_disguised_offensive_word_is_scored_after_normalising(commenter) -> None:
    result = screen_text(text="ƒuck you, sh1thead", author=_established(commenter), warn=False)
    assert result.verdict == "hold"
    assert result.score is not None and result.score >= 0.8


def test_the_offensive_threshold_is_configurable(commenter, settings) -> None:
    _established(commenter)
    settings.MODERATION_OFFENSIVE_THRESHOLD = 100
    assert screen_text(text=OFFENSIVE[0], author=commenter).verdict == "publish"
    settings.MODERATION_OFFENSIVE_THRESHOLD = 1
    result = screen_text(text=BENIGN[0], author=commenter, warn=False)
    assert result.codes == ["offensive"]


def test_the_model_loads_once_and_can_be_switched_off(commenter, settings) -> None:
    screen_text(text="warm-up", author=None)
    assert offensive.is_loaded()
    settings.MODERATION_OFFENSIVE_MODEL = False
    assert screen_text(text=OFFENSIVE[0], author=_established(commenter)).score is None


def test_banned_phrase_rejects_even_when_disguised(commenter, lists) -> None:
    result = screen_text(text="Keep kicking the r a t s out", author=_established(commenter))
    assert result.verdict == "reject"
    assert result.codes == ["banned_phrase"]
    assert result.reasons == ["This comment contains language this site does not allow."]


def test_suspect_phrase_holds_with_the_phrase_as_reason(commenter, lists, no_model) -> None:
    result = screen_text(text="The mayor is a Traitor and a cl0wn", author=_established(commenter))
    assert result.verdict == "hold"
    assert result.reasons == ["Contains listed words: clown, traitor"]


@pytest.mark.parametrize("word", ["Scunthorpe", "assessment", "cocktail", "clownfish", "ratsbane"])
def test_false_positive_traps_are_published(commenter, moderator, word: str, no_model) -> None:
    phrases_add_many(lines=["cunt", "ass", "cock", "clown", "rats"], kind="banned", actor=moderator)
    result = screen_text(text=f"A note about {word} for the paper", author=_established(commenter))
    assert result.verdict == "publish"


def test_word_list_changes_take_effect_on_the_next_screening(commenter, moderator, no_model) -> None:
    _established(commenter)
    assert screen_text(text="What a weasel", author=commenter).verdict == "publish"
    phrase = phrase_add(text="Weasel", kind="banned", actor=moderator)
    assert screen_text(text="What a weasel", author=commenter).verdict == "reject"
    phrase_add(text="weasel", kind="suspect", actor=moderator)
    assert Phrase.objects.get(pk=phrase.pk).kind == "suspect"
    assert screen_text(text="What a weasel", author=commenter).verdict == "hold"


def test_empty_and_too_long_text_are_rejected(commenter, settings) -> None:
    assert screen_text(text="   \n", author=commenter).codes == ["empty"]
    settings.MODERATION_MAX_LENGTH = 20
    result = screen_text(text="x" * 21, author=commenter)
    assert (result.verdict, result.codes) == ("reject", ["too_long"])
    assert result.reasons == ["A comment can be at most 20 characters long."]


def test_links_from_new_commenters_are_held(commenter, no_model, settings) -> None:
    settings.MODERATION_MODE = "post"
    result = screen_text(text="Read https://example.net/report first", author=commenter)
    assert (result.verdict, result.codes) == ("hold", ["link_new_commenter"])


def test_too_many_links_are_held_for_anyone_but_staff(commenter, editor, no_model, settings) -> None:
    _established(commenter)
    settings.MODERATION_MAX_LINKS = 2
    text = "See https://a.example.org, https://b.example.org and www.c.example.org"
    assert screen_text(text=text, author=commenter).codes == ["too_many_links"]
    assert (
        screen_text(text="Two: https://a.example.org https://b.example.org", author=commenter).verdict
        == "publish"
    )
    assert screen_text(text=text, author=editor).verdict == "publish"


def test_a_filled_honeypot_is_rejected(commenter) -> None:
    result = screen_text(text="Great article", author=commenter, honeypot="http://spam.example")
    assert (result.verdict, result.codes) == ("reject", ["honeypot"])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("THIS COUNCIL IS A DISGRACE AND EVERYONE KNOWS IT", "shouting"),
        ("Nooooooooooooooo way", "flooding"),
        ("buy now buy now buy now buy now buy now buy now buy now", "repetitive"),
    ],
)
def test_spam_heuristics_hold(commenter, no_model, text: str, code: str) -> None:
    result = screen_text(text=text, author=_established(commenter))
    assert result.verdict == "hold"
    assert code in result.codes


def test_the_same_text_again_is_rejected_as_a_repeat(commenter, post, trusted, no_model) -> None:
    post(commenter, "The ferry timetable is wrong again.")
    result = screen_text(text="The FERRY timetable is wrong again!", author=commenter)
    assert (result.verdict, result.codes) == ("reject", ["repeat"])
    assert (
        screen_text(text="The FERRY timetable is wrong again!", author=commenter, edited=True).verdict
        == "publish"
    )
    ScreeningRecord.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert screen_text(text="The ferry timetable is wrong again.", author=commenter).verdict == "publish"


def test_a_standing_read_with_another_query_serves_its_own_text_and_author_only(
    commenter, reader, post, trusted, no_model, django_assert_num_queries
) -> None:
    from masthead.moderation import selectors

    post(commenter, "The ferry timetable is wrong again.")
    text = "The FERRY timetable is wrong again!"
    question = selectors.standing_question(commenter, text=text)
    read = question.answer(object())  # what a query that found no standing and no repeat left
    assert (read.repeated, read.standing._state.adding) == (False, True)
    screen_text(text="warm the caches up", author=reader)
    # Taken as given for its own text and author: no query of its own, so no repeat is seen.
    with django_assert_num_queries(0):
        assert screen_text(text=text, author=commenter, standing_read=read).verdict != "reject"
    # For another text, another author or an edit, screening asks the database itself.
    assert screen_text(text=text + " ", author=commenter, standing_read=read).codes == ["repeat"]
    assert screen_text(text=text, author=reader, standing_read=read).verdict != "reject"
    assert screen_text(text=text, author=commenter, standing_read=read, edited=True).verdict == "publish"


def test_the_api_refuses_a_repeat_read_with_the_thread(client, thread, reader, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MODERATION_MODE = "post"
    client.force_login(reader)
    url = f"/api/discussion/threads/{thread.pk}/comments"
    first = client.post(url, {"body": "Why was the ferry cut?"}, content_type="application/json")
    assert first.status_code == 201
    again = client.post(url, {"body": "Why was the FERRY cut!!"}, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["reasons"] == ["You have already posted this comment."]
    assert (
        client.post(url, {"body": "Why was the bus cut?"}, content_type="application/json").status_code == 201
    )


def test_closed_discussion_rejects(commenter, article, moderator) -> None:
    from masthead.moderation.services import discussion_close

    discussion_close(page=article, state="closed", actor=moderator, reason="Legal advice")
    result = screen_text(text="Late thoughts", author=commenter, article=article)
    assert (result.verdict, result.codes) == ("reject", ["closed"])


def test_pipeline_order_rejects_stop_and_holds_accumulate(commenter, lists, moderator) -> None:
    assert [check.__name__ for check in PIPELINE] == [
        "_check_account",
        "_check_length",
        "_check_thread",
        "_check_repeat",
        "_check_honeypot",
        "_check_word_lists",
        "_check_offensive",
        "_check_links",
        "_check_spam",
        "_check_trust",
    ]
    sanction_apply(user=commenter, kind="ban", actor=moderator, reason="Abuse")
    # A banned account is refused before its (also banned) words are looked at.
    assert screen_text(text="rats", author=commenter).codes == ["banned"]
    Sanction.objects.update(revoked_at=timezone.now())
    result = screen_text(
        text="CLOWN AND TRAITOR, THE MAYOR MUST RESIGN: WWW.RESIGN.ORG", author=commenter, warn=False
    )
    assert result.verdict == "hold"
    assert result.codes == ["suspect_phrase", "link_new_commenter", "shouting", "new_commenter"]
    assert len(result.reasons) == 4


def test_staff_are_never_held(editor, lists) -> None:
    result = screen_text(text="The clown of a minister https://example.org/a", author=editor, warn=False)
    assert result.verdict == "publish"
    assert screen_text(text="rats", author=editor).verdict == "reject"


class TestTrust:
    def test_new_commenters_first_comments_are_held_then_published(
        self, commenter, no_model, settings
    ) -> None:
        settings.MODERATION_NEW_COMMENTER_HOLD = 2
        assert screen_text(text="First!", author=commenter).codes == ["new_commenter"]
        standing_record(user=commenter, approved=True)
        assert screen_text(text="Second", author=commenter).codes == ["new_commenter"]
        standing_record(user=commenter, approved=True)
        assert screen_text(text="Third", author=commenter).verdict == "publish"

    def test_a_high_recent_rejection_rate_sends_a_commenter_back(self, commenter, no_model, settings) -> None:
        settings.MODERATION_REJECTION_RATE = 30
        _established(commenter, approved=7)
        standing_record(user=commenter, approved=False)
        standing_record(user=commenter, approved=False)
        assert screen_text(text="Fine words", author=commenter).verdict == "publish"  # 2/9 = 22%
        standing_record(user=commenter, approved=False)  # 3/10 = 30%
        assert screen_text(text="Fine words", author=commenter).codes == ["rejection_rate"]
        for _ in range(10):
            standing_record(user=commenter, approved=True)
        # Only the last 20 outcomes count: 3/20 = 15%.
        assert Standing.objects.get(user=commenter).recent == "a" * 7 + "rrr" + "a" * 10
        assert screen_text(text="Fine words", author=commenter).verdict == "publish"

    def test_trust_levels(self, commenter, editor, moderator, settings) -> None:
        from masthead.moderation.selectors import trust_level

        settings.MODERATION_NEW_COMMENTER_HOLD = 1
        settings.MODERATION_TRUSTED_AFTER = 3
        assert trust_level(editor) == "staff"
        assert trust_level(commenter) == "new"
        _established(commenter, approved=1)
        assert trust_level(commenter) == "regular"
        _established(commenter, approved=2)
        assert trust_level(commenter) == "trusted"
        sanction_apply(user=commenter, kind="premoderate", actor=moderator, reason="Keeps baiting")
        assert trust_level(commenter) == "premoderated"


class TestModes:
    def test_post_moderation_publishes_a_new_commenter(self, commenter, article, no_model, moderator) -> None:
        moderation_mode_set(mode="post", page=article, actor=moderator)
        assert screen_text(text="Hello", author=commenter, article=article).verdict == "publish"

    def test_pre_moderation_of_a_section_holds_all_but_trusted(
        self, commenter, reader, article, section, no_model, moderator, settings
    ) -> None:
        settings.MODERATION_TRUSTED_AFTER = 3
        moderation_mode_set(mode="pre", page=section, actor=moderator)
        _established(commenter, approved=5)
        _established(reader, approved=2)
        assert screen_text(text="Hello", author=reader, article=article).codes == ["pre_moderation"]
        assert screen_text(text="Hello", author=commenter, article=article).verdict == "publish"

    def test_the_deepest_setting_wins(self, reader, article, section, no_model, moderator) -> None:
        from wagtail.models import Site

        from masthead.moderation.selectors import moderation_mode

        site = Site.objects.get(is_default_site=True)
        moderation_mode_set(mode="pre", site=site, actor=moderator)
        assert moderation_mode(article) == "pre"
        moderation_mode_set(mode="trust", page=section, actor=moderator)
        assert moderation_mode(article) == "trust"
        moderation_mode_set(mode="post", page=article, actor=moderator)
        assert moderation_mode(article) == "post"
        moderation_mode_set(mode=None, page=article, actor=moderator)
        assert moderation_mode(article) == "trust"

    def test_the_site_default_comes_from_settings(self, article, settings) -> None:
        from masthead.moderation.selectors import moderation_mode

        settings.MODERATION_MODE = "pre"
        assert moderation_mode(article) == "pre"
        assert moderation_mode(None) == "pre"


class TestSanctionsInScreening:
    def test_suspended_until_a_date(self, commenter, moderator) -> None:
        sanction_apply(user=commenter, kind="suspend", days=3, actor=moderator, reason="Flame war")
        result = screen_text(text="Let me back", author=commenter)
        assert result.codes == ["suspended"]
        assert result.reasons[0].startswith("Your account is suspended until ")
        Sanction.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
        assert screen_text(text="Let me back", author=commenter).codes != ["suspended"]

    def test_banned_email_domain(self, commenter, moderator) -> None:
        domain_ban(domain="Example.ORG", actor=moderator, reason="Throwaway addresses")
        assert screen_text(text="Hello", author=commenter).codes == ["banned"]

    def test_a_ban_applies_to_the_next_comment_though_the_reads_are_held(
        self, commenter, moderator, monkeypatch
    ) -> None:
        from django.core.cache import cache

        from masthead.moderation import selectors

        assert screen_text(text="Hello", author=commenter).verdict != "reject"
        calls: list[object] = []
        get_many = cache.get_many
        monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or get_many(keys))
        screen_text(text="Hello again", author=commenter)
        assert calls == []  # the process's copy, read less than a second ago
        domain_ban(domain="example.org", actor=moderator, reason="Throwaway addresses")
        assert screen_text(text="Hello", author=commenter).codes == ["banned"]
        assert len(calls) == 1
        # Another process's change reaches this one when its copy is a second old.
        BannedDomain.objects.all().delete()
        cache.delete("moderation:banned-domains")
        assert screen_text(text="Hello", author=commenter).codes == ["banned"]
        monkeypatch.setattr(selectors, "_READS_SECONDS", 0.0)
        assert screen_text(text="Hello", author=commenter).codes != ["banned"]

    def test_always_premoderate_holds_in_post_mode(self, commenter, moderator, no_model, settings) -> None:
        settings.MODERATION_MODE = "post"
        _established(commenter, approved=30)
        sanction_apply(user=commenter, kind="premoderate", actor=moderator, reason="Baiting")
        assert screen_text(text="Hello", author=commenter).codes == ["premoderated"]


def test_screening_recorded_keeps_reasons_audit_and_standing(commenter, post, no_model) -> None:
    comment = post(commenter, "A first comment, held for review.")
    record = ScreeningRecord.objects.get()
    assert (record.object_id, record.verdict, record.codes) == (comment.pk, "hold", ["new_commenter"])
    assert record.content_type == ContentType.objects.get_for_model(comment)
    event = AuditEvent.objects.get(action="screening_hold")
    assert (event.actor, event.actor_label, event.subject) == (None, "rule:new_commenter", commenter)
    assert event.reason == "A new commenter's first comments are reviewed"
    assert comment.status == "pending"
    assert comment.moderation_reasons == ["A new commenter's first comments are reviewed"]
    assert not Standing.objects.filter(user=commenter).exists()


def test_a_published_comment_counts_towards_trust_once(commenter, post, trusted, no_model) -> None:
    from masthead.discussion.services import comment_edit

    comment = post(commenter, "Published at once.")
    assert comment.status == "visible"
    comment_edit(comment=comment, actor=commenter, body="Published at once, then edited.")
    assert Standing.objects.get(user=commenter).approved_count == 1
    assert ScreeningRecord.objects.filter(edited=True).count() == 1


@pytest.mark.parametrize("text", [*OFFENSIVE, *BENIGN, "", "ƒuck", "r a t s"])
def test_the_fast_scorer_gives_the_packages_own_probability(text: str) -> None:
    vectorizer, model = offensive.reference_model()
    expected = float(model.predict_proba(vectorizer.transform([text]))[0][1])
    assert offensive.offensive_score(text) == pytest.approx(expected, abs=1e-9)
