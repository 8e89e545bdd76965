from django.urls import path

from stride.library import feeds, views
from stride.site.pagecache import public_page

app_name = "library"
urlpatterns = [
    path("conditions/", views.index, name="index"),
    path("conditions/<slug:slug>/", views.condition, name="condition"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("search/", views.search, name="search"),
    path("articles/feed.atom", public_page(feeds.ArticleFeed()), name="feed"),
]
