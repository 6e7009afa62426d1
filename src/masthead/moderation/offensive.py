"""The offensive-language score from ``alt-profanity-check``'s bundled model, run locally.

The model (a TF-IDF vectoriser and a calibrated linear SVM, shipped inside the package)
takes about two seconds to load, so it is loaded lazily, once per process, on the first
comment that needs a score; ``bench/screening.py`` measures both costs.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_model: tuple[Any, Any] | None = None


def _load() -> tuple[Any, Any]:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from profanity_check import profanity_check

                _model = (profanity_check.vectorizer, profanity_check.model)
    return _model


def is_loaded() -> bool:
    return _model is not None


def offensive_score(text: str) -> float:
    """Probability (0-1) that ``text`` is offensive."""
    vectorizer, model = _load()
    return float(model.predict_proba(vectorizer.transform([text]))[0][1])
