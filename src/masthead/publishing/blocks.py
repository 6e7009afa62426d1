"""The blocks an article body is made of."""

from __future__ import annotations

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = "publishing/blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    """A photo placed in a story: the caption and alt text belong to this use of it."""

    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=500)
    alt_text = blocks.CharBlock(
        required=True,
        max_length=300,
        help_text="What the image shows, for readers who cannot see it. Required.",
    )

    class Meta:
        icon = "image"
        template = "publishing/blocks/image.html"


class MapBlock(ImageBlock):
    """A map shown as an image, with a plain link to the full-size original (no JavaScript)."""

    class Meta:
        icon = "site"
        template = "publishing/blocks/map.html"


class ArticleEmbedBlock(blocks.StructBlock):
    # Shown as a link card, not an iframe: the public CSP refuses third-party frames and
    # readers behind censorship should not load other origins to read a story.
    embed = EmbedBlock(help_text="A video or post URL (YouTube, Vimeo, X, …).")
    caption = blocks.CharBlock(required=False, max_length=500)

    class Meta:
        icon = "media"
        template = "publishing/blocks/embed.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="publishing/blocks/paragraph.html")
    heading = blocks.CharBlock(max_length=255, template="publishing/blocks/heading.html", icon="title")
    quote = QuoteBlock()
    image = ImageBlock()
    embed = ArticleEmbedBlock()
    map = MapBlock()
