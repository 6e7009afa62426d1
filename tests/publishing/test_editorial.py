"""Editorial side: groups and their rights, the review workflow, scheduled publishing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page, Workflow

from masthead.core import periodic
from masthead.publishing import selectors, tasks
from masthead.publishing.models import ArticlePage
from tests.publishing.factories import make_article


def _page_permissions(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        permission.permission.codename for permission in group.page_permissions.select_related("permission")
    }


def test_groups_have_the_page_rights_of_their_role(db):
    assert _page_permissions("Reporters") == {"add_page", "change_page"}
    assert {"add_page", "change_page", "publish_page"} <= _page_permissions("Editors")
    moderators = Group.objects.get(name="Moderators")
    assert not moderators.page_permissions.exists() and not moderators.collection_permissions.exists()
    for name in ("Reporters", "Editors"):
        assert Group.objects.get(name=name).permissions.filter(codename="access_admin").exists()


def test_review_workflow_sends_every_page_to_editors(db):
    workflow = Workflow.objects.get(name="Editorial review")
    assert workflow.active
    root = Page.get_first_root_node()
    assert root.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert [group.name for group in task.groups.all()] == ["Editors"]


@pytest.fixture
def reporter(db, django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(
        email="reporter@example.org", password="correct horse 42", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Reporters"))
    return user


def test_reporter_can_edit_but_not_publish_editor_can_publish(site_tree, reporter, editor):
    article = ArticlePage.objects.get(pk=site_tree.budget.pk)
    reporter_perms = article.permissions_for_user(reporter)
    editor_perms = article.permissions_for_user(editor)
    assert reporter_perms.can_edit() and not reporter_perms.can_publish()
    assert editor_perms.can_edit() and editor_perms.can_publish()


def test_reporter_submits_and_editor_approves_to_publish(site_tree, reporter, editor):
    draft = make_article(title="Harbour dredging begins", section=site_tree.climate, live=False)
    workflow = draft.get_workflow()
    state = workflow.start(draft, reporter)
    assert state.current_task_state.task.specific.name == "Editor approval"
    assert not ArticlePage.objects.get(pk=draft.pk).live
    state.current_task_state.task.specific.on_action(state.current_task_state, editor, "approve")
    assert ArticlePage.objects.get(pk=draft.pk).live


def test_editor_sees_admin_and_reporter_gets_draft_preview(client, site_tree, reporter):
    client.force_login(reporter)
    assert client.get("/admin/").status_code == 200
    response = client.get(f"/admin/pages/{site_tree.budget.pk}/edit/preview/")
    assert response.status_code in (200, 405)


def test_scheduled_revision_is_published_by_the_periodic_job(site_tree):
    draft = make_article(title="Budget analysis", section=site_tree.politics, live=False)
    revision = draft.save_revision()
    revision.publish()  # with go_live_at in the future this only schedules it
    ArticlePage.objects.filter(pk=draft.pk).update(go_live_at=timezone.now() - timedelta(minutes=5))
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=5)
    revision.save()
    assert [page.pk for page in selectors.overdue_pages()] == [draft.pk]
    tasks.publish_scheduled()
    assert ArticlePage.objects.get(pk=draft.pk).live
    assert selectors.overdue_pages() == []


def test_future_schedule_is_not_overdue(site_tree):
    draft = make_article(title="Tomorrow's story", section=site_tree.politics, live=False)
    draft.go_live_at = timezone.now() + timedelta(days=1)
    draft.save_revision().publish()
    assert not ArticlePage.objects.get(pk=draft.pk).live
    assert selectors.overdue_pages() == []


def test_publish_scheduled_is_registered_every_minute():
    jobs = {job.name: job for job in periodic.jobs()}
    assert jobs["publishing.publish_scheduled"].every_seconds == 60
    assert jobs["publishing.publish_scheduled"].function is tasks.publish_scheduled


def test_dashboard_warns_editors_about_overdue_items(client, site_tree, editor):
    draft = make_article(title="Late story", section=site_tree.politics, live=False)
    revision = draft.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=10)
    revision.save()
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "Overdue scheduled items (1)" in html and "Late story" in html


def test_admin_edit_and_create_forms_render_for_every_page_type(client, site_tree, admin_user):
    client.force_login(admin_user)
    for page in (site_tree.home, site_tree.politics, site_tree.budget, site_tree.ana):
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    response = client.get(f"/admin/pages/add/publishing/articlepage/{site_tree.politics.pk}/")
    assert response.status_code == 200
    assert "Headline" in response.content.decode() and "Corrections and updates" in response.content.decode()
