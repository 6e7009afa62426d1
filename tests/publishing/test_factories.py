from masthead.publishing.models import ArticlePage, SectionPage
from tests.publishing.factories import ArticlePageFactory, make_article, make_section


def test_make_article_with_no_arguments_publishes_a_story_in_a_default_section(db):
    article = make_article()
    assert article.live
    assert article.first_published_at is not None
    assert isinstance(article.get_parent().specific, SectionPage)
    assert [byline.author.title for byline in article.bylines.all()] == ["Mira Holm"]


def test_article_factory_places_story_in_given_section(db):
    section = make_section(title="Culture")
    article = ArticlePageFactory(title="A festival returns", section=section)
    assert article.get_parent().pk == section.pk
    assert ArticlePage.objects.live().count() == 1


def test_site_tree_builds_three_live_articles(site_tree):
    assert ArticlePage.objects.live().count() == 3
    assert site_tree.budget.corrections.count() == 1
    assert sorted(tag.name for tag in site_tree.budget.tags.all()) == ["assembly", "budget"]
