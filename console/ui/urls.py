import uuid
from functools import lru_cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` of the form or query if it stays on this site, else `fallback`."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


# reverse() resolves a view's pattern on every call (~10 µs); a table calls it for every row's
# links. The URL of a view is the same text around its ids, so it is reversed once with
# stand-in ids and the row's ids are put in their place (issue 13).
_STAND_INS = {
    uuid.UUID: lambda i: uuid.UUID(int=(0x5EED << 112) | i),
    int: lambda i: 987_654_320 + i,
}


@lru_cache(maxsize=1024)
def _url_around_ids(viewname: str, kinds: tuple, prefix: str, urlconf) -> tuple[str, ...] | None:
    """The URL's text between its ids, or None when the stand-ins do not reverse plainly."""
    marks = [str(_STAND_INS[kind](i)) for i, kind in enumerate(kinds)]
    try:
        url = reverse(viewname, args=marks, urlconf=urlconf)
    except NoReverseMatch:
        return None
    parts = [url]
    for mark in marks:
        head, found, tail = parts[-1].partition(mark)
        if not found:
            return None
        parts[-1:] = [head, tail]
    return tuple(parts)


def reverse_ids(viewname: str, *args) -> str:
    """reverse(viewname, args=args), the same text, for ids (UUIDs, integers) in a loop."""
    kinds = tuple(type(arg) for arg in args)
    # A negative number is not what an <int:…> stands in for: reverse() says what it makes of it.
    if all(
        kind in _STAND_INS and not (kind is int and arg < 0)
        for kind, arg in zip(kinds, args, strict=True)
    ):
        parts = _url_around_ids(viewname, kinds, get_script_prefix(), get_urlconf())
        if parts is not None:
            pieces = [parts[0]]
            for arg, text in zip(args, parts[1:], strict=True):
                pieces += [str(arg), text]
            return "".join(pieces)
    return reverse(viewname, args=args)
