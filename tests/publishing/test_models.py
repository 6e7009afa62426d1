import pytest
from django.core.exceptions import ValidationError

from masthead.publishing.blocks import ImageBlock, MapBlock
from masthead.publishing.models import ArticlePage
from tests.publishing.factories import make_article, make_image


def test_article_section_is_its_parent_section(site_tree):
    article = ArticlePage.objects.get(pk=site_tree.budget.pk)
    assert article.section.pk == site_tree.politics.pk


def test_bylines_keep_their_order(site_tree):
    names = [byline.author.title for byline in site_tree.budget.bylines.order_by("sort_order")]
    assert names == ["Ana Ruiz", "Tomás Varga"]


def test_lite_url_mirrors_the_article_path(site_tree):
    assert site_tree.budget.lite_url() == "/lite/politics/assembly-passes-a-budget-after-a-night-of-talks/"


def test_teaser_image_falls_back_to_the_first_map_in_the_body(site_tree):
    assert site_tree.budget.teaser_image.pk == site_tree.photo.pk
    assert site_tree.flood.teaser_image.pk == site_tree.map_image.pk
    assert site_tree.older.teaser_image is None


def test_lead_image_without_alt_text_is_refused(db):
    article = make_article(title="A story with a photo")
    article.lead_image = make_image()
    article.lead_image_alt = "  "
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "lead_image_alt" in error.value.message_dict


@pytest.mark.parametrize("block_class", [ImageBlock, MapBlock])
def test_image_and_map_blocks_require_alt_text(db, block_class):
    block = block_class()
    image = make_image()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "caption": "A caption", "alt_text": ""}))
    cleaned = block.clean(block.to_python({"image": image.pk, "caption": "", "alt_text": "A flooded road"}))
    assert cleaned["alt_text"] == "A flooded road"


def test_draft_article_is_not_live_and_has_no_publication_date(db):
    article = make_article(title="Not ready yet", live=False)
    assert not article.live
    assert article.first_published_at is None
