from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountModelBackend(ModelBackend):
    """The usual backend, loading the user's account with the user: every page shows it."""

    def get_user(self, user_id):
        user = (
            get_user_model()._default_manager.select_related("account").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class LoginThrottleBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses any login while its user name or client
    address is locked out by django-axes (issue 9, defect 6; console/tenancy/throttling.py).
    authenticate() outside a request (a shell, a script) has no address to count and is let
    through to the next backend instead of raising, as axes's own backend would."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
