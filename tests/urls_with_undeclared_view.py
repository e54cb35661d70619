"""The real URL configuration plus one view that forgot its access rule."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as real_urlpatterns


def forgotten_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("should never be served")


urlpatterns = [*real_urlpatterns, path("oubli/", forgotten_view, name="forgotten")]
