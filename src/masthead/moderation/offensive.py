"""The offensive-language score from ``alt-profanity-check``'s bundled model, run locally.

The model (a TF-IDF vectoriser and five sigmoid-calibrated linear SVMs, shipped inside the
package) takes a couple of seconds to load: the server loads it as each worker starts
(``masthead.config.wsgi``); other processes (tests, commands) load it on the first score.

Scoring one comment through scikit-learn's ``predict_proba`` costs about 7 ms, almost all of
it input checking around five tiny dot products. The five classifiers' weights are stacked
into one matrix at load time, so a score is one product and five sigmoids: the same number
(tested to 1e-9) in about a tenth of the time. The vectoriser's own ``transform`` was then
most of what was left (about 1 ms, building a sparse matrix for one short text), so the
TF-IDF vector is computed here too when the vectoriser is the plain kind the package ships
(word unigrams, lowercase, its token pattern, raw counts, smooth idf, l2 norm): a comment's
few known words, looked up in the vocabulary. ``bench/screening.py`` measures the pipeline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()
_scorer: Callable[[str], float] | None = None


def _stacked(vectorizer: Any, model: Any) -> Callable[[str], float] | None:
    """The fast scorer, or None when the model is not the shape it is written for."""
    import numpy as np
    from scipy.special import expit

    parts = getattr(model, "calibrated_classifiers_", None)
    if not parts or list(getattr(model, "classes_", [])) != [0, 1]:
        return None
    if any(part.method != "sigmoid" or not hasattr(part.estimator, "coef_") for part in parts):
        return None
    weights = np.vstack([part.estimator.coef_.ravel() for part in parts]).T.copy()
    intercepts = np.array([part.estimator.intercept_[0] for part in parts])
    slopes = np.array([part.calibrators[0].a_ for part in parts])
    offsets = np.array([part.calibrators[0].b_ for part in parts])

    features = _features(vectorizer)

    def score(text: str) -> float:
        if features is None:
            decision = np.asarray(vectorizer.transform([text]) @ weights).ravel() + intercepts
        else:
            columns, values = features(text)
            decision = (values @ weights[columns] if columns else 0.0) + intercepts
        return float(expit(-(slopes * decision + offsets)).mean())

    return score


def _features(vectorizer: Any) -> Callable[[str], tuple[list[int], Any]] | None:
    """The text's TF-IDF vector as (columns, values), or None for a vectoriser set up otherwise."""
    import re
    from collections import Counter

    import numpy as np

    plain = {
        "analyzer": "word",
        "binary": False,
        "lowercase": True,
        "ngram_range": (1, 1),
        "norm": "l2",
        "preprocessor": None,
        "strip_accents": None,
        "sublinear_tf": False,
        "tokenizer": None,
        "use_idf": True,
    }
    params = vectorizer.get_params()
    if any(params.get(name) != value for name, value in plain.items()):
        return None
    token = re.compile(params["token_pattern"])
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    idf = vectorizer.idf_
    # Stop words never reach the vocabulary, so looking words up there drops them too.

    def features(text: str) -> tuple[list[int], Any]:
        counts = Counter(vocabulary[word] for word in token.findall(text.lower()) if word in vocabulary)
        if not counts:
            return [], None
        columns = sorted(counts)
        values = np.array([counts[column] for column in columns], dtype=np.float64) * idf[columns]
        return columns, values / np.sqrt(values @ values)

    return features


def _load() -> Callable[[str], float]:
    global _scorer
    if _scorer is None:
        with _lock:
            if _scorer is None:
                vectorizer, model = reference_model()
                _scorer = _stacked(vectorizer, model) or (
                    lambda text: float(model.predict_proba(vectorizer.transform([text]))[0][1])
                )
    return _scorer


def reference_model() -> tuple[Any, Any]:
    """The package's own vectoriser and model (importing it loads them from disk)."""
    from profanity_check import profanity_check

    return profanity_check.vectorizer, profanity_check.model


def load() -> None:
    """Load the model now (the server does, as each worker starts, so no reader waits for it)."""
    _load()


def is_loaded() -> bool:
    return _scorer is not None


def offensive_score(text: str) -> float:
    """Probability (0-1) that ``text`` is offensive."""
    return _load()(text)
