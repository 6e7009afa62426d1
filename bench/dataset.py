"""The one canonical dataset every system is loaded with.

Threads are generated from a fixed seed, so every loader (Masthead, Isso, django-comments-xtd)
sees exactly the same comments in the same order without a shared file on disk: about 30% of
comments are top level, the rest reply to an earlier comment up to depth 5, bodies are 100-600
characters in one to three paragraphs, and names come from several scripts.

Bump :data:`DATA_VERSION` whenever the generated data or a loader's output changes: built
databases under ``bench/.work/`` are keyed by it and rebuilt when it moves.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

# 2: Masthead's loaded comments have their screening records.
DATA_VERSION = 2
SEED = 20261124
MAX_DEPTH = 5
TOP_LEVEL_SHARE = 0.30
BODY_MIN, BODY_MAX = 100, 600
# 2026-11-01T00:00:00Z: comments are spaced a few seconds apart from here, in id order.
EPOCH = 1_793_491_200

# The articles of the thread scenarios, and their comment counts.
THREADS: dict[str, int] = {"thread-50": 50, "thread-10k": 10_000, "thread-100k": 100_000}
# An article with no comments yet, which the posting scenario writes to.
POST_SLUG = "post-target"
SITE_ARTICLES = 10_000
SITE_COMMENTS_PER_ARTICLE = 100

_FIRST_NAMES = [
    # Latin
    "Amelia", "Jonas", "Lucía", "Tomasz", "Ingrid", "Mateo", "Siobhán", "Kwame", "Aiko", "Rafael",
    "Noor", "Björn", "Chiara", "Dmitri", "Fatou", "Henrik", "Ximena", "Oluwaseun", "Pilar", "Teodor",
    # Greek
    "Ελένη", "Νίκος", "Δήμητρα", "Γιώργος", "Σοφία",
    # Cyrillic
    "Анна", "Олег", "Світлана", "Богдан", "Марина",
    # Arabic and Hebrew
    "ليلى", "يوسف", "مريم", "נועה", "אורי",
    # Devanagari, Bengali
    "अनन्या", "रोहन", "সুমি",
    # CJK, Korean, Thai, Georgian, Armenian
    "美咲", "伟", "지훈", "สมชาย", "ნინო", "Արամ",
]  # fmt: skip
_LAST_NAMES = [
    "Okafor", "Lindqvist", "Moreau", "Kowalczyk", "Haddad", "Silva", "Nakamura", "O'Brien",
    "Van der Berg", "Petrović", "Mensah", "Quispe", "Ødegaard", "Ruiz", "Yılmaz", "Takahashi",
    "Παπαδοπούλου", "Ιωάννου", "Коваленко", "Смирнова", "الحسيني", "כהן", "शर्मा", "王", "김",
]  # fmt: skip
_WORDS = [
    "the",
    "council",
    "vote",
    "budget",
    "river",
    "bridge",
    "school",
    "library",
    "harbour",
    "ferry",
    "tram",
    "fare",
    "rent",
    "market",
    "reporter",
    "source",
    "document",
    "archive",
    "map",
    "survey",
    "flood",
    "season",
    "harvest",
    "road",
    "repair",
    "clinic",
    "nurse",
    "shift",
    "union",
    "contract",
    "mayor",
    "hearing",
    "minutes",
    "agenda",
    "public",
    "record",
    "request",
    "answer",
    "question",
    "evidence",
    "figure",
    "chart",
    "estimate",
    "cost",
    "delay",
    "promise",
    "plan",
    "neighbourhood",
    "street",
    "corner",
    "bakery",
    "night",
    "bus",
    "route",
    "stop",
    "timetable",
    "winter",
    "heating",
    "bill",
    "tenant",
    "landlord",
    "court",
    "ruling",
    "appeal",
    "petition",
    "signature",
    "volunteer",
    "festival",
    "museum",
    "grant",
    "funding",
    "audit",
    "report",
    "I",
    "think",
    "we",
    "should",
    "remember",
    "that",
    "this",
    "is",
    "not",
    "new",
    "and",
    "the",
    "numbers",
    "here",
    "do",
    "not",
    "add",
    "up",
    "thanks",
    "for",
    "reading",
    "carefully",
    "because",
    "my",
    "grandmother",
    "lived",
    "on",
    "that",
    "street",
    "for",
    "years",
    "honestly",
    "the",
    "article",
    "misses",
    "how",
    "the",
    "old",
    "tram",
    "line",
    "shaped",
    "every",
    "decision",
    "since",
    "then",
    "which",
    "is",
    "why",
    "residents",
    "keep",
    "asking",
    "the",
    "same",
    "thing",
    "at",
    "every",
    "meeting",
    "without",
    "an",
    "answer",
]


@dataclass(frozen=True, slots=True)
class Author:
    number: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment; ``number`` counts from 1 in creation order within its thread."""

    number: int
    parent: int  # 0 for a top-level comment
    root: int  # the top-level comment this one hangs under (itself when top level)
    depth: int  # 0 for top level
    author: Author
    body: str  # plain text; paragraphs separated by a blank line
    created: int  # unix seconds

    @property
    def is_top_level(self) -> bool:
        return self.parent == 0


def authors(count: int = 400) -> list[Author]:
    """The pool of commenters: names in several scripts, one address each."""
    rng = random.Random(SEED)
    pool = []
    for number in range(1, count + 1):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        pool.append(Author(number, f"{first} {last}", f"reader{number}@example.org"))
    return pool


def _body(rng: random.Random) -> str:
    target = rng.randint(BODY_MIN, BODY_MAX)
    paragraphs = rng.choice((1, 1, 2, 3))
    words: list[str] = []
    length = 0
    while length < target:
        word = rng.choice(_WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)[:target].rstrip()
    if paragraphs > 1:
        # Break at word boundaries roughly evenly; the text keeps its length give or take.
        cut_points = sorted(rng.sample(range(1, len(words) - 1), paragraphs - 1)) if len(words) > 3 else []
        pieces, start = [], 0
        for cut in cut_points:
            pieces.append(" ".join(words[start:cut]))
            start = cut
        pieces.append(" ".join(words[start:]))
        text = "\n\n".join(piece.capitalize() + "." for piece in pieces if piece)[:target].rstrip()
    if len(text) < BODY_MIN:
        text = (text + " " + " ".join(rng.choice(_WORDS) for _ in range(40)))[:BODY_MIN]
    return text[0].upper() + text[1:]


def thread(size: int, *, salt: str = "") -> Iterator[Comment]:
    """The comments of one thread of ``size`` comments, parents always before their replies."""
    rng = random.Random(f"{SEED}:{size}:{salt}")
    pool = authors()
    # Comments that may still take a reply (depth < MAX_DEPTH), as (number, root, depth).
    open_parents: list[tuple[int, int, int]] = []
    for number in range(1, size + 1):
        if number == 1 or rng.random() < TOP_LEVEL_SHARE:
            parent, root, depth = 0, number, 0
        else:
            # Recent comments draw most replies, as in a live discussion; older ones some.
            if rng.random() < 0.7:
                index = len(open_parents) - 1 - min(int(rng.expovariate(1 / 20)), len(open_parents) - 1)
            else:
                index = rng.randrange(len(open_parents))
            parent, root, parent_depth = open_parents[index]
            depth = parent_depth + 1
        if depth < MAX_DEPTH:
            open_parents.append((number, root, depth))
        yield Comment(
            number=number,
            parent=parent,
            root=root,
            depth=depth,
            author=rng.choice(pool),
            body=_body(rng),
            created=EPOCH + number * 7,
        )


def site_threads() -> Iterator[tuple[str, Iterator[Comment]]]:
    """The optional 1,000,000-comment site: 10,000 articles of 100 comments each."""
    for number in range(1, SITE_ARTICLES + 1):
        yield f"site-{number:05d}", thread(SITE_COMMENTS_PER_ARTICLE, salt=f"site-{number}")


def article_title(slug: str) -> str:
    return {
        "thread-50": "Ferry timetable changes draw a small crowd",
        "thread-10k": "The council's budget vote, line by line",
        "thread-100k": "The river bridge closure: every question answered",
        POST_SLUG: "Open thread: tell us about your street",
    }.get(slug, f"Neighbourhood notes {slug}")
