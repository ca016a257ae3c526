def tenancy(request):
    """The current project for the top bar; lazy, so pages that don't show it don't query."""
    return {"tenancy": getattr(request, "tenancy", None)}
