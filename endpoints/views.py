from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def endpoints_list(request: HttpRequest) -> HttpResponse:
    return render(request, "endpoints/list.html")
