"""The page tree of a news site: home → sections → articles, home → authors → author."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from masthead.core import slots
from masthead.publishing import caching
from masthead.publishing.blocks import RICH_TEXT_FEATURES, ArticleBodyBlock


class CachedPageMixin:
    """Anonymous readers get CDN-fit headers and the server-side page cache (see caching.py).

    A page type that sets ``frame_holes`` is also served from a cached frame: its HTML is
    rendered once with those slots left as holes, and only the holes are rendered per request.
    """

    frame_holes: tuple[str, ...] | None = None

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.frame_holes is not None and caching.frame_allowed(request):
            response = caching.serve_frame(
                request,
                page=self,
                holes=self.frame_holes,
                render=lambda: super(CachedPageMixin, self).serve(request, *args, **kwargs),  # type: ignore[misc]
            )
        else:
            response = super().serve(request, *args, **kwargs)  # type: ignore[misc]
        return caching.mark_public(request, response, scopes=["site", f"page:{self.pk}", "funding"])  # type: ignore[attr-defined]

    def get_view_restrictions(self) -> Any:
        from masthead.publishing.sites import view_restrictions_exist

        if not view_restrictions_exist():
            # Wagtail iterates this on every page served; an empty result filled in
            # advance spares compiling a query that cannot match (8% of a served article's
            # CPU). Clones (the admin's order_by) start afresh, still empty.
            nothing = PageViewRestriction.objects.none()
            nothing._result_cache = []
            return nothing
        return super().get_view_restrictions()  # type: ignore[misc]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        holes = getattr(request, caching.FRAME_HOLES_ATTR, None)
        if holes:
            context[slots.HOLES_KEY] = holes
        canonical = self.get_full_url(request)  # type: ignore[attr-defined]
        page_number = request.GET.get("page", "")
        if page_number.isdigit() and int(page_number) > 1:
            canonical += f"?page={int(page_number)}"
        context["canonical_url"] = canonical
        return context


class HomePage(CachedPageMixin, Page):
    """The front page: a lead story, the latest stories and a block per section."""

    featured_article = models.ForeignKey(
        "publishing.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The lead story. Empty: the most recent article leads.",
    )
    tagline = models.CharField(max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("tagline"), FieldPanel("featured_article")]
    subpage_types = ["publishing.SectionPage", "publishing.AuthorIndexPage"]
    max_count = 1

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        from masthead.publishing.sites import route_below

        if path_components:
            found = route_below(self, request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_page_content(home=self, page_number=request.GET.get("page")))
        return context


class SectionPage(CachedPageMixin, Page):
    """A desk of the newsroom (Politics, Environment…); its articles are its children."""

    intro = models.TextField(blank=True, help_text="One or two sentences shown under the section name.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["publishing.HomePage"]
    subpage_types = ["publishing.ArticlePage"]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = selectors.section_articles(section=self, page_number=request.GET.get("page"))
        return context


class AuthorIndexPage(CachedPageMixin, Page):
    """/authors/: the people who write for the site."""

    parent_page_types = ["publishing.HomePage"]
    subpage_types = ["publishing.AuthorPage"]
    max_count = 1

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["authors"] = (
            AuthorPage.objects.child_of(self).live().select_related("photo").order_by("title")
        )
        return context


class AuthorPage(CachedPageMixin, Page):
    """A reporter's page: bio and their articles. Bylines point here."""

    role = models.CharField(max_length=120, blank=True, help_text="e.g. “Environment correspondent”.")
    bio = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    photo = models.ForeignKey(
        "publishing.NewsImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = [*Page.content_panels, FieldPanel("role"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [*Page.search_fields, index.SearchField("bio")]
    parent_page_types = ["publishing.AuthorIndexPage"]
    subpage_types: list[str] = []

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = selectors.author_articles(author=self, page_number=request.GET.get("page"))
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "publishing.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(CachedPageMixin, Page):
    """A story. The headline is the page title; the primary section is the parent page."""

    # The discussion changes with every comment and reader; the rest is the same for all.
    frame_holes = ("article_discussion",)

    standfirst = models.TextField(help_text="The summary under the headline, one or two sentences.")
    dateline = models.CharField(
        max_length=80, blank=True, help_text="Where the story was reported, e.g. “ODESA”."
    )
    lead_image = models.ForeignKey(
        "publishing.NewsImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.CharField(max_length=500, blank=True)
    lead_image_alt = models.CharField(
        max_length=300, blank=True, help_text="What the image shows, for readers who cannot see it."
    )
    body = StreamField(ArticleBodyBlock(), blank=True)
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the story changes in substance; shown as “Updated”."
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)

    content_panels = [
        FieldPanel("title", heading="Headline"),
        FieldPanel("standfirst"),
        MultiFieldPanel([InlinePanel("bylines", label="Byline", min_num=1)], heading="Bylines"),
        FieldPanel("dateline"),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_caption"), FieldPanel("lead_image_alt")],
            heading="Lead image",
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("updated_at"),
        InlinePanel("corrections", label="Correction or update", heading="Corrections and updates"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.SearchField("dateline"),
        index.FilterField("first_published_at"),
    ]
    parent_page_types = ["publishing.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        indexes = [models.Index(fields=["updated_at"])]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.lead_image_id and not self.lead_image_alt.strip():
            raise ValidationError({"lead_image_alt": "Alt text is required when there is a lead image."})

    @property
    def section(self) -> SectionPage | None:
        # Lists set this from one query (selectors.attach_sections); a lone page asks its parent.
        if not hasattr(self, "_section"):
            parent = self.get_parent()
            self._section = parent.specific if parent else None
        return self._section  # type: ignore[return-value]

    @section.setter
    def section(self, value: SectionPage | None) -> None:
        self._section = value

    def lite_url(self, request: HttpRequest | None = None) -> str:
        """The text-only edition of this story: /lite/ followed by the article's path."""
        url = self.get_url(request) or "/"
        relative = url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url.lstrip("/")
        return f"/lite/{relative}"

    @property
    def teaser_image(self) -> Any:
        """The lead image, else the first picture in the body (a map story's map)."""
        if self.lead_image_id:
            return self.lead_image
        for block in self.body:
            if block.block_type in {"image", "map"}:
                return block.value["image"]
        return None

    @property
    def published_at(self) -> Any:
        return self.first_published_at or self.go_live_at or timezone.now()

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from masthead.publishing import seo

        context = super().get_context(request, *args, **kwargs)
        context["bylines"] = list(self.bylines.select_related("author").order_by("sort_order"))
        context["corrections"] = list(self.corrections.order_by("published_at"))
        context["article_tags"] = list(self.tags.all())
        context["json_ld"] = seo.news_article_json_ld(
            article=self, request=request, bylines=context["bylines"]
        )
        context["social_image"] = seo.social_image_url(article=self, request=request)
        context["lite_url"] = self.lite_url(request)
        return context


class ArticleByline(Orderable):
    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(AuthorPage, on_delete=models.CASCADE, related_name="bylines")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_byline_per_article")
        ]


class ArticleCorrection(Orderable):
    """A correction or update appended to an article, with when it was made."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    published_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    panels = [FieldPanel("kind"), FieldPanel("published_at"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        indexes = [models.Index(fields=["published_at"])]


__all__ = [
    "ArticleByline",
    "ArticleCorrection",
    "ArticlePage",
    "ArticleTag",
    "AuthorIndexPage",
    "AuthorPage",
    "HomePage",
    "SectionPage",
]
