from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def services_list(request: HttpRequest) -> HttpResponse:
    return render(request, "services/list.html")
