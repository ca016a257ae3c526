def predefined_tags_link(request):
    """The 预定义标签 entry of the navigation: for the account's administrators only."""
    from .views import may_predefine

    user = getattr(request, "user", None)
    return {"show_predefined_tags": user is not None and may_predefine(user)}
