"""The product's URLs and, for comparison, a bare Django view: a constant JSON answer
through the same middleware and URL routing as every other page."""

from django.http import JsonResponse
from django.urls import path

from vetting.urls import urlpatterns as product_urlpatterns

BARE = "/bench/bare"


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [path(BARE.lstrip("/"), bare), *product_urlpatterns]
