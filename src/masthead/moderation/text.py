"""Normalising reader text so word lists match what a reader meant, not how they typed it.

Lists match whole words of the normalised text, so "Scunthorpe", "assessment" and
"cocktail" never match a shorter listed word inside them. Normalising undoes the usual
disguises: case, accents, look-alike letters from other scripts ("ƒuck", Cyrillic "а"),
digits and symbols standing for letters ("sh1t", "@ss"), letters spread out with spaces or
punctuation ("r a t s", "r.a.t.s") and stretched letters ("fuuuuck").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Look-alikes that NFKD leaves alone. Greek and Cyrillic letters are only mapped where they
# are drawn like a Latin one; Greek words stay Greek words, they just cannot hide Latin ones.
_LOOKALIKES = str.maketrans(
    {
        "ƒ": "f",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "@": "a",
        "$": "s",
        "€": "e",
        "£": "l",
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        # Greek
        "α": "a",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "ν": "v",
    }
)
# Digits read as letters, applied only inside words that also have letters ("sh1t", not "2024").
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})
_TOKEN = re.compile(r"[^\W_]+")
_STRETCHED = re.compile(r"(\w)\1{2,}")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.casefold().translate(_LOOKALIKES)


def _join_spelled_out(tokens: list[str]) -> list[str]:
    """Join runs of three or more single letters: "r a t s" is "rats"."""
    joined: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        joined.extend(["".join(run)] if len(run) >= 3 else run)
        run = []
        if token:
            joined.append(token)
    return joined


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, disguises undone."""
    tokens = _TOKEN.findall(_fold(text))
    tokens = [token.translate(_LEET) if not token.isdigit() else token for token in tokens]
    tokens = _join_spelled_out(tokens)
    return " ".join(_STRETCHED.sub(r"\1", token) for token in tokens)


def fingerprint(normalised: str) -> str:
    return hashlib.sha256(normalised.encode()).hexdigest()
