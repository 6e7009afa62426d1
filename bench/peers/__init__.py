"""The peers Masthead is measured against, each installed from PyPI into its own virtualenv."""
