"""Masthead: the platform behind an independent news site."""

__version__ = "0.1.0"
