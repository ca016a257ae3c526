def navigation(request):
    """Which left-navigation entry is current: the URL namespace, else the URL name."""
    match = getattr(request, "resolver_match", None)
    return {"nav_section": (match.namespace or match.url_name) if match else ""}


def activity_link(request):
    """The 操作日志 entry: operators, and users who administer or approve somewhere."""
    from console.tenancy.querysets import project_roles

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show_activity": False}
    return {
        "show_activity": user.is_operator
        or bool(set(project_roles(user).values()) & {"admin", "approver"})
    }
