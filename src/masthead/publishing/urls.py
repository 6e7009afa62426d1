from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from masthead.publishing import feeds, views

app_name = "publishing"

urlpatterns = [
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("search/", views.search, name="search"),
    path("corrections/", views.corrections, name="corrections"),
    path("lite/", views.lite_home, name="lite_home"),
    path("lite/<path:path>", views.lite_article, name="lite_article"),
    path("feeds/rss.xml", feeds.SiteFeed(), name="feed_rss"),
    path("feeds/atom.xml", feeds.SiteAtomFeed(), name="feed_atom"),
    path("feeds/sections/<slug:slug>/rss.xml", feeds.SectionFeed(), name="section_feed_rss"),
    path("feeds/sections/<slug:slug>/atom.xml", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("feeds/authors/<slug:slug>/rss.xml", feeds.AuthorFeed(), name="author_feed_rss"),
    path("feeds/authors/<slug:slug>/atom.xml", feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("news-sitemap.xml", views.news_sitemap, name="news_sitemap"),
]
