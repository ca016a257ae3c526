"""Only with settings.BENCH: the empty authenticated view every page is compared with."""

from django.http import HttpResponse
from django.urls import path


def empty(request):
    """Signed in (LoginRequiredMiddleware), nothing else: the floor of any page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("empty/", empty, name="bench_empty")]
