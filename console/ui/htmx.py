from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def htmx_partial(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (NetBox's rule: not a boosted page load)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def render_page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict, status: int = 200
) -> HttpResponse:
    """The whole page, or for htmx only a fragment: `partial` names a `{% partialdef %}`
    ("ui/object_list.html#table"; a bare "#form" means one in `template`). Vary says which."""
    if partial.startswith("#"):
        partial = template + partial
    name = partial if htmx_partial(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
