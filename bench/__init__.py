"""Masthead's benchmark against the peers a newsroom would otherwise pick (see bench/README.md)."""
