"""Staff edit articles here: live preview, and no publishing without a clinical review."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from stride import clock
from stride.core import markdown
from stride.library import services, views
from stride.library.models import Article, Redirect
from stride.site import selectors as site_selectors


def _today() -> Any:
    return clock.today(site_selectors.clinic_get().time_zone)


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "Review overdue")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=_today())
        return queryset


class RedirectInline(admin.TabularInline):
    model = Redirect
    extra = 0
    fields = ["old_path", "wordpress_id"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "region", "reviewer", "next_review_due", "review_state"]
    list_filter = ["status", "region", ReviewDueFilter]
    search_fields = ["title", "aka", "summary", "slug", "condition"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related"]
    readonly_fields = ["words", "updated_at", "preview_link"]
    inlines = [RedirectInline]
    change_form_template = "library/admin/article_change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "condition", "region", "aka", "summary"]}),
        ("Text", {"fields": ["body", "sources"]}),
        ("Image", {"fields": ["hero_image", "hero_alt"]}),
        (
            "Review and publishing",
            {
                "description": "An article is published only with a clinical reviewer, the "
                "date of the last review and the date the next is due.",
                "fields": [
                    "status",
                    "author",
                    "reviewer",
                    "first_published",
                    "last_reviewed",
                    "next_review_due",
                ],
            },
        ),
        ("More to explore", {"fields": ["related"]}),
        ("About", {"fields": ["words", "updated_at", "preview_link"]}),
    ]

    @admin.display(description="Review")
    def review_state(self, obj: Article) -> str:
        if obj.review_overdue(_today()):
            return format_html('<strong class="review-overdue">{}</strong>', "Overdue")
        return "Up to date" if obj.next_review_due else "No date"

    @admin.display(description="Preview")
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "Save the article to preview it."
        url = reverse("admin:library_article_preview", args=[obj.pk])
        return format_html(
            '<a href="{}">Preview the saved article as patients will see it</a>', url
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        overdue = Article.objects.review_overdue(_today()).count()
        if overdue:
            messages.warning(
                request,
                f"{overdue} article{'s' if overdue != 1 else ''} past the review date. "
                "They stay on the website: review them soon.",
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.article_hero_renditions_refresh(article=obj)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "render/",
                self.admin_site.admin_view(require_POST(self.render_markdown)),
                name="library_article_render",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview),
                name="library_article_preview",
            ),
        ]
        return own + super().get_urls()

    def render_markdown(self, request: HttpRequest) -> HttpResponse:
        """The live preview: Markdown in, the sanitised HTML patients would get out."""
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            return HttpResponse(status=403)
        text = request.POST.get("body", "")[:200_000]
        return TemplateResponse(
            request, "library/admin/preview_fragment.html", {"rendered": markdown.render(text)}
        )

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The whole page, drafts included, for staff only."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        return views.article_page(request, get_object_or_404(Article, pk=pk), preview=True)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "wordpress_id", "created_at"]
    search_fields = ["old_path", "article__title"]
    raw_id_fields = ["article"]
