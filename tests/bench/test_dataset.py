"""The canonical dataset every system is loaded with: its shape is what the benchmark promises."""

import unicodedata

from bench import dataset


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(char).split()[0] for char in text if char.isalpha()}


def test_thread_is_shaped_like_a_real_discussion():
    comments = list(dataset.thread(10_000))

    assert len(comments) == 10_000
    top_share = sum(comment.is_top_level for comment in comments) / len(comments)
    assert 0.27 <= top_share <= 0.33
    assert max(comment.depth for comment in comments) == dataset.MAX_DEPTH
    assert all(dataset.BODY_MIN <= len(comment.body) <= dataset.BODY_MAX for comment in comments)
    assert any("\n\n" in comment.body for comment in comments)


def test_replies_come_after_their_parents_with_consistent_roots_and_depths():
    comments = list(dataset.thread(2_000))
    by_number = {comment.number: comment for comment in comments}

    for comment in comments:
        if comment.is_top_level:
            assert (comment.root, comment.depth) == (comment.number, 0)
        else:
            parent = by_number[comment.parent]
            assert parent.number < comment.number
            assert comment.depth == parent.depth + 1
            assert comment.root == parent.root


def test_names_come_in_several_scripts():
    scripts = set().union(*(_scripts(author.name) for author in dataset.authors()))

    assert {"LATIN", "GREEK", "CYRILLIC", "ARABIC", "CJK"} <= scripts


def test_the_same_thread_is_generated_for_every_system():
    assert list(dataset.thread(300)) == list(dataset.thread(300))
    assert list(dataset.thread(300)) != list(dataset.thread(300, salt="other"))


def test_the_site_is_a_million_comments_over_ten_thousand_articles():
    assert dataset.SITE_ARTICLES * dataset.SITE_COMMENTS_PER_ARTICLE == 1_000_000
    slug, comments = next(dataset.site_threads())
    assert slug == "site-00001"
    assert len(list(comments)) == dataset.SITE_COMMENTS_PER_ARTICLE
