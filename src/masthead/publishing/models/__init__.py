"""Publishing's models: images, and the Wagtail page types of the news site."""

from masthead.publishing.models.images import NewsImage, NewsRendition
from masthead.publishing.models.pages import (
    ArticleByline,
    ArticleCorrection,
    ArticlePage,
    ArticleTag,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)

__all__ = [
    "ArticleByline",
    "ArticleCorrection",
    "ArticlePage",
    "ArticleTag",
    "AuthorIndexPage",
    "AuthorPage",
    "HomePage",
    "NewsImage",
    "NewsRendition",
    "SectionPage",
]
