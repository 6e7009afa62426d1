"""Screening throughput: comments per second through moderation's whole pipeline, and its
share of a comment post's latency.

    .venv/bin/python bench/screening.py                  # 10,000 banned phrases, 2,000 comments
    .venv/bin/python bench/screening.py --phrases 50000 --comments 5000 --posts 300

Runs on a fresh SQLite database in a temporary directory (migrated first, not part of the
timings), with 10,000 generated banned phrases and 500 suspect ones. Prints a table; not
part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "ten",
    "sal",
    "vor",
    "quin",
    "bel",
    "dra",
    "fus",
    "hop",
    "lin",
    "mar",
    "nex",
    "pol",
    "rud",
    "sib",
    "tor",
    "ulm",
    "wex",
    "yar",
    "zon",
]
WORDS = [
    "the",
    "council",
    "harbour",
    "tax",
    "vote",
    "ferry",
    "river",
    "mayor",
    "budget",
    "school",
    "road",
    "flood",
    "report",
    "minister",
    "people",
    "town",
    "water",
    "village",
    "pier",
    "bridge",
    "plan",
    "money",
    "week",
    "year",
    "night",
    "morning",
    "article",
    "reader",
]


def _phrase(rng: random.Random) -> str:
    words = [
        ("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))) for _ in range(rng.randint(1, 3))
    ]
    return " ".join(words)


def _comment(rng: random.Random, banned: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(1, 5)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
        sentences.append(" ".join(words).capitalize() + ".")
    text = " ".join(sentences)
    roll = rng.random()
    if roll < 0.05:
        text += " " + rng.choice(banned)  # rejected
    elif roll < 0.10:
        text += " See https://example.org/report for more."
    elif roll < 0.13:
        text += " You are a stupid idiot."
    return text


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phrases", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=2_000)
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="masthead-bench-screening-")
    os.environ["MASTHEAD_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.config.settings.test")
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    print(f"migrating a fresh database in {data_dir} …", flush=True)
    call_command("migrate", verbosity=0)

    from wagtail.models import Page, Site

    from masthead.discussion.services import CommentRejected, comment_create, thread_for_page
    from masthead.moderation import offensive, wordlists
    from masthead.moderation.models import Phrase
    from masthead.moderation.services import screen_text, standing_record

    rng = random.Random(20261126)
    banned = sorted({_phrase(rng) for _ in range(args.phrases * 2)})[: args.phrases]
    suspect = [f"{word}x" for word in sorted({_phrase(rng) for _ in range(600)})][:500]
    Phrase.objects.bulk_create(
        [Phrase(text=p, normalised=p, kind="banned") for p in banned]
        + [Phrase(text=p, normalised=p, kind="suspect") for p in suspect if p not in banned],
        batch_size=2000,
        ignore_conflicts=True,
    )
    wordlists.lists_changed()
    users = [
        get_user_model().objects.create_user(email=f"reader{n}@bench.example", password=None)
        for n in range(20)
    ]
    for user in users:
        for _ in range(25):
            standing_record(user=user, approved=True)
    comments = [_comment(rng, banned) for _ in range(args.comments)]

    rows: list[tuple[str, str]] = []
    started = time.perf_counter()
    matcher = wordlists.current_matcher()
    rows.append(
        (f"build automaton ({matcher.size:,} phrases)", f"{(time.perf_counter() - started) * 1000:.0f} ms")
    )
    started = time.perf_counter()
    offensive.offensive_score("warm-up")
    rows.append(
        (
            "load offensive-language model (once per process)",
            f"{(time.perf_counter() - started) * 1000:.0f} ms",
        )
    )

    def run(label: str) -> tuple[list[float], dict[str, int]]:
        timings, verdicts = [], {"publish": 0, "hold": 0, "reject": 0}
        for index, text in enumerate(comments):
            author = users[index % len(users)]
            t0 = time.perf_counter()
            result = screen_text(text=text, author=author, warn=False)
            timings.append(time.perf_counter() - t0)
            verdicts[result.verdict] += 1
        total = sum(timings)
        rows.append(
            (
                f"screen_text, {label}",
                f"{len(comments) / total:,.0f} comments/s · p50 {statistics.median(timings) * 1000:.2f} ms"
                f" · p95 {_percentile(timings, 0.95) * 1000:.2f} ms",
            )
        )
        return timings, verdicts

    full, verdicts = run("whole pipeline")
    settings.MODERATION_OFFENSIVE_MODEL = False
    run("without the model")
    settings.MODERATION_OFFENSIVE_MODEL = True
    from masthead.moderation.text import normalise

    started = time.perf_counter()
    for text in comments:
        matcher.find(normalise(text))
    elapsed = time.perf_counter() - started
    rows.append(("normalise + word-list match only", f"{len(comments) / elapsed:,.0f} comments/s"))
    vectorizer, model = offensive.reference_model()
    sample = comments[:300]
    started = time.perf_counter()
    for text in sample:
        offensive.offensive_score(text)
    fast = (time.perf_counter() - started) / len(sample)
    started = time.perf_counter()
    for text in sample:
        model.predict_proba(vectorizer.transform([text]))
    slow = (time.perf_counter() - started) / len(sample)
    rows.append(
        ("offensive score: stacked weights vs predict_proba", f"{fast * 1000:.2f} ms vs {slow * 1000:.2f} ms")
    )
    rows.append(("verdicts (whole pipeline)", ", ".join(f"{k} {v}" for k, v in verdicts.items())))

    root = Site.objects.get(is_default_site=True).root_page
    article = Page(title="Bench article", slug="bench-article")
    root.add_child(instance=article)
    thread = thread_for_page(page=article)
    post_times: list[float] = []
    for index in range(args.posts):
        text = _comment(rng, banned) + f" ({index})"
        t0 = time.perf_counter()
        with contextlib.suppress(CommentRejected):
            comment_create(thread=thread, author=users[index % len(users)], body=text)
        post_times.append(time.perf_counter() - t0)
    post_p50 = statistics.median(post_times)
    screen_p50 = statistics.median(full)
    rows.append(
        (
            f"comment_create (discussion's service, {args.posts} posts)",
            f"p50 {post_p50 * 1000:.2f} ms · p95 {_percentile(post_times, 0.95) * 1000:.2f} ms",
        )
    )
    rows.append(("screening's share of a post (p50 / p50)", f"{screen_p50 / post_p50:.0%}"))

    width = max(len(label) for label, _ in rows)
    print(f"\nScreening benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLite\n")
    print(f"| {'measure'.ljust(width)} | result |")
    print(f"|{'-' * (width + 2)}|--------|")
    for label, value in rows:
        print(f"| {label.ljust(width)} | {value} |")


if __name__ == "__main__":
    main(sys.argv[1:])
