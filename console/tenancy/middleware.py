from .projects import Tenancy


class TenancyMiddleware:
    """Sets request.tenancy: the current region and project, resolved only when used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenancy = Tenancy(request)
        return self.get_response(request)
