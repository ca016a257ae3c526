def navigation(request):
    """Which left-navigation entry is current: the URL namespace, else the URL name."""
    match = getattr(request, "resolver_match", None)
    return {"nav_section": (match.namespace or match.url_name) if match else ""}
