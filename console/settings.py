"""Settings for the VPC Endpoint console, read from the environment (README: Configuration)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key is for development only; production sets SECRET_KEY (check --deploy says so).
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-development-only-not-for-production"
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")  # old keys, during a rotation
# Access-key secrets at rest: the first key encrypts, every one decrypts (new first, then
# `manage.py rotate_access_key_secrets`). Unset: derived from SECRET_KEY (issue 9, defect 4).
ACCESS_KEY_ENCRYPTION_KEY = env_list("ACCESS_KEY_ENCRYPTION_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "axes",  # before console.tenancy: its failed-login receiver reads what axes decided
    "console.tenancy",
    "console.network",
    "console.quotas",
    "console.tags",
    "console.audit",
    "console.ui",
    "console.demo",  # the demo data and manage.py seed_demo (no models)
    "services",
    "endpoints",
    "notifications",  # subscriptions and deliveries of connection events (label "notifications")
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "console.tenancy.middleware.TenancyMiddleware",
    "axes.middleware.AxesMiddleware",
]
# `make bench` (issue 13): server time and SQL query count in response headers, and the empty
# authenticated view /bench/empty/. Never on in production.
BENCH = env_bool("BENCH", False)
if BENCH:
    MIDDLEWARE.insert(0, "bench.middleware.ServerTiming")

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"
ASGI_APPLICATION = "console.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "console.tenancy.context_processors.tenancy",
                "console.ui.context_processors.navigation",
                "console.ui.context_processors.activity_link",
                "services.inbox.inbox_link",
                "console.tags.context_processors.predefined_tags_link",
            ],
        },
    },
]

# SQLite (WAL) in the project folder unless DATABASE_URL names another database.
# SQLite gets the same tuning whichever way it is named (issue 9, defect 1): IMMEDIATE makes a
# writing transaction take the lock at BEGIN, so two writers queue instead of failing with
# "database is locked" half-way through; the timeout is how long a writer waits for the lock.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep a file handle per thread.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "tenancy.User"
AUTHENTICATION_BACKENDS = [
    "console.tenancy.backends.LoginThrottleBackend",  # refuses locked-out logins first
    "console.tenancy.backends.AccountModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "endpoints:list"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Login throttling with django-axes (issue 9, defect 6; console/tenancy/throttling.py): 5
# failures in 15 minutes lock that user name (from anywhere) and that address (for any name).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends when the page says
AXES_LOCKOUT_CALLABLE = "console.tenancy.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = False  # throttling.py clears the user's failures, not the address's
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; successes need no table of their own
AXES_VERBOSE = False  # no banner on every manage.py command
# The client address: REMOTE_ADDR, or first a one-address header that the proxy in front
# always overwrites (nginx: `proxy_set_header X-Real-IP $remote_addr;` -> HTTP_X_REAL_IP).
AXES_IPWARE_META_PRECEDENCE_ORDER = [*env_list("LOGIN_CLIENT_IP_HEADER", ""), "REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without collectstatic (make run), whitenoise serves the source folders directly.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The data plane (issue 14): `simulated` (nothing on the host) or `linux` (namespaces, HAProxy;
# root). Every host object's name starts with DATAPLANE_PREFIX; its files live in the run dir
# (default /run/<prefix>dataplane). Each demo ECS and ELB answers HTTP on the responder ports.
DATAPLANE = os.environ.get("DATAPLANE", "simulated")
DATAPLANE_PREFIX = os.environ.get("DATAPLANE_PREFIX", "vpce-")
DATAPLANE_RUN_DIR = os.environ.get("DATAPLANE_RUN_DIR", "")
# /metrics (issue 14): a scraper sends `Authorization: Bearer <METRICS_TOKEN>`; unset: only
# logged-in platform operators read it.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
DATAPLANE_RESPONDER_PORTS = [int(port) for port in env_list("DATAPLANE_RESPONDER_PORTS", "80")]

# Notifications (issue 11). Webhooks to loopback, link-local (169.254.0.0/16, the metadata
# address) and the console's own host are refused unless one of these CIDRs lists them.
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS", "")
# Emails go through Django's mailer (SMTP unless EMAIL_BACKEND says otherwise; `make run`
# writes files to EMAIL_FILE_PATH, sent-mail/).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND,
        "OPTIONS": {"file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))}
        if EMAIL_BACKEND.endswith("filebased.EmailBackend")
        else {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": 10,
        }
        if EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
del EMAIL_BACKEND  # deprecated in Django 6.1 alongside MAILERS
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vpcep-console@localhost")

# Strict CSP: no inline script or style, nothing from another origin (works air-gapped).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "ui/table.html"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# HTTPS settings: on by default in production, off under DEBUG or when HTTPS=false.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "vpcep-demo-2026")
