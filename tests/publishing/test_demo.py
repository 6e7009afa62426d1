from pathlib import Path

from django.contrib.auth import get_user_model

from masthead.publishing import demo, selectors
from masthead.publishing.models import (
    ArticleCorrection,
    ArticlePage,
    AuthorPage,
    HomePage,
    NewsImage,
    SectionPage,
)


def test_demo_builds_the_newsroom_once_and_rerunning_adds_nothing(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    lines: list[str] = []
    demo.load(lines.append)
    counts = (
        ArticlePage.objects.count(),
        SectionPage.objects.count(),
        AuthorPage.objects.count(),
        NewsImage.objects.count(),
    )
    assert counts[0] >= 20 and counts[1] >= 4 and counts[2] >= 4
    dates = sorted(ArticlePage.objects.values_list("first_published_at", flat=True))
    assert (dates[-1] - dates[0]).days >= 21
    assert ArticleCorrection.objects.count() >= 1
    assert all(author.bio for author in AuthorPage.objects.all())
    home = HomePage.objects.get()
    assert home.get_site().root_page_id == home.pk

    map_article = selectors.demo_map_article()
    assert map_article is not None and map_article.live
    map_block = next(block for block in map_article.body if block.block_type == "map")
    assert map_block.value["image"].width >= 2000 and map_block.value["alt_text"]

    logins = (Path(tmp_path) / "demo-logins.txt").read_text()
    first_passwords = [line.split("\t")[2] for line in logins.splitlines() if not line.startswith("#")]
    User = get_user_model()
    admin = User.objects.get(email="admin@demo.masthead.test")
    assert admin.is_superuser and admin.check_password(first_passwords[0])
    assert User.objects.get(email="editor@demo.masthead.test").groups.filter(name="Editors").exists()
    assert any("password:" in line for line in lines)

    demo.load(lines.append)
    assert (
        ArticlePage.objects.count(),
        SectionPage.objects.count(),
        AuthorPage.objects.count(),
        NewsImage.objects.count(),
    ) == counts
    assert User.objects.filter(email__endswith="@demo.masthead.test").count() == 3
    assert (Path(tmp_path) / "demo-logins.txt").read_text() == logins
