"""Masthead settings. Everything lives here; dev/test/production only flip a few switches.

Every value that differs between installations comes from the environment and is parsed
strictly by ``masthead.config.env``: see ``docs/configuration.md`` and ``.env.example``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from masthead.config import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env.env_str("MASTHEAD_DATA_DIR", "./data") or "./data").resolve()

DEBUG = env.env_bool("DEBUG", False)
PRODUCTION = False  # production.py turns this on; it makes SECRET_KEY mandatory.
SECRET_KEY = env.secret_key(DATA_DIR, required=False)
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env.env_str("MASTHEAD_SITE_NAME", "Masthead") or "Masthead"

INSTALLED_APPS = [
    # Masthead's own apps first so their templates override the libraries'.
    "masthead.core",
    "masthead.accounts",
    "masthead.publishing",
    "masthead.moderation",
    "masthead.discussion",
    "masthead.funding",
    "masthead.transfer",
    # Wagtail, the editorial side.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts.
    "allauth",
    "allauth.account",
    # Background tasks without an extra server.
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "masthead.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "masthead.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "masthead.config.urls"
WSGI_APPLICATION = "masthead.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "masthead.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env.env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'masthead.sqlite3'}",
        conn_max_age=env.env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let readers and one writer work at once; IMMEDIATE
    # transactions stop two writers from deadlocking on lock upgrade. Masthead's backend
    # queues writers on a file lock rather than SQLite's sleeping busy handler.
    DATABASES["default"]["ENGINE"] = "masthead.config.sqlite"
    # Spelt out because pytest-django recognises Django's engine name only: tests run in
    # memory (one database per xdist worker), as they would with Django's SQLite backend.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else DATABASES["default"]["CONN_MAX_AGE"]
# Django's health check before a reused connection's first query is skipped when the
# connection was used less than this many seconds ago (masthead.config.postgresql; 0: always).
DATABASE_HEALTH_CHECK_IDLE_SECONDS = env.env_int("DATABASE_HEALTH_CHECK_IDLE_SECONDS", 1, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "masthead.config.postgresql"
if DATABASES["default"]["ENGINE"] == "masthead.config.postgresql" and env.env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Server-side binding, and psycopg preparing what a connection runs again and again
    # (from the fifth run), so PostgreSQL no longer parses and plans each of a post's
    # statements. Django turns psycopg's preparing off unless ``prepare_threshold`` is given:
    # binding alone left PostgreSQL at 1.3-1.5 ms of CPU per posted comment, preparing too
    # brought it to 0.7-0.8 ms and the posting rate from 338-392 to 451-453/s in interleaved
    # runs (docs/performance.md). PgBouncer in transaction mode needs version 1.21 or later
    # with max_prepared_statements set, or this turned off.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["server_side_binding"] = True
    options["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.env_str("REDIS_URL")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "masthead.config.rediscache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.env_str("CACHE_KEY_PREFIX", "masthead") or "masthead",
        }
    }
else:
    # The database cache is shared by every app server on the same database, so rate
    # limits and page purges stay correct without Redis. The table is made by a migration.
    # Django's backend with one statement per write (see masthead/config/dbcache.py).
    CACHES = {
        "default": {
            "BACKEND": "masthead.config.dbcache.DatabaseCache",
            "LOCATION": "masthead_cache",
            "KEY_PREFIX": env.env_str("CACHE_KEY_PREFIX", "masthead") or "masthead",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

TASKS = {
    "default": {
        "BACKEND": env.env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
        or "django_tasks_db.DatabaseBackend",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "confirm_email": "3/h/key",
}
ACCOUNT_SIGNUP_FORM_CLASS = "masthead.accounts.forms.SignupForm"

LANGUAGE_CODE = env.env_str("LANGUAGE_CODE", "en-us") or "en-us"
# The site speaks LANGUAGE_CODE, as its templates do. LANGUAGE_FROM_BROWSER adds Django's
# LocaleMiddleware, which takes Django's, allauth's and the Wagtail admin's language from each
# browser's Accept-Language: then a German browser got German form labels inside an English
# page, and every response varied on the header (fewer hits in any cache in front).
# Editors choose the admin's language in their Wagtail account either way. When it is on, the
# page cache and the shared fragments are kept per language (pagecache.language_part).
LANGUAGE_FROM_BROWSER = env.env_bool("LANGUAGE_FROM_BROWSER", False)
if LANGUAGE_FROM_BROWSER:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "django.middleware.locale.LocaleMiddleware",
    )
TIME_ZONE = env.env_str("TIME_ZONE", "UTC") or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = env.env_str("STATIC_URL", "/static/") or "/static/"
STATIC_ROOT = Path(env.env_str("STATIC_ROOT") or DATA_DIR / "static").resolve()
MEDIA_URL = env.env_str("MEDIA_URL", "/media/") or "/media/"
MEDIA_ROOT = Path(env.env_str("MEDIA_ROOT") or DATA_DIR / "media").resolve()
# Media is normally served by the proxy in front of the app servers; the demo serves it itself.
SERVE_MEDIA = env.env_bool("MASTHEAD_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000

for _key, _value in env.email_settings(env.env_str("EMAIL_URL")).items():
    globals()[_key] = _value
DEFAULT_FROM_EMAIL = env.env_str("DEFAULT_FROM_EMAIL", "Masthead <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Behind a proxy that terminates TLS and sets X-Forwarded-Proto.
if env.env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env.env_bool("USE_X_FORWARDED_HOST", False)
# Trust X-Forwarded-For for client addresses (rate limits) only behind a known proxy.
MASTHEAD_TRUSTED_PROXY_COUNT = env.env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

SESSION_ENGINE = "masthead.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

WAGTAIL_SITE_NAME = SITE_NAME
WAGTAILADMIN_BASE_URL = env.env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000") or ""
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_IMAGE_MODEL = "publishing.NewsImage"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAIL_I18N_ENABLED = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True
TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.env_str("LOG_LEVEL", "INFO") or "INFO"},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Run periodic jobs (scheduled publishing, campaign roll-over) inside each app server.
MASTHEAD_SCHEDULER = env.env_bool("MASTHEAD_SCHEDULER", True)
# Parts of pages that are the same for many readers (an article's frame, the discussion's first
# page for anonymous readers) are kept in the cache and purged with their page-cache scopes.
MASTHEAD_FRAGMENT_CACHE = env.env_bool("MASTHEAD_FRAGMENT_CACHE", True)

# === publishing settings ===
# The site-wide stylesheet lives in src/masthead/static/ (not inside an app), like base.html.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Anonymous pages: browser max-age, CDN s-maxage, and how long a CDN may serve a stale copy
# while it refetches. The server-side cache is purged on publish, so it may keep pages long.
MASTHEAD_PAGE_CACHE = env.env_bool("MASTHEAD_PAGE_CACHE", True)
MASTHEAD_PAGE_MAX_AGE = env.env_int("MASTHEAD_PAGE_MAX_AGE", 60, minimum=0)
MASTHEAD_PAGE_S_MAXAGE = env.env_int("MASTHEAD_PAGE_S_MAXAGE", 300, minimum=0)
MASTHEAD_PAGE_STALE_WHILE_REVALIDATE = env.env_int("MASTHEAD_PAGE_STALE_WHILE_REVALIDATE", 600, minimum=0)
MASTHEAD_PAGE_CACHE_SECONDS = env.env_int("MASTHEAD_PAGE_CACHE_SECONDS", 3600, minimum=1)
MASTHEAD_ARTICLES_PER_PAGE = env.env_int("MASTHEAD_ARTICLES_PER_PAGE", 12, minimum=1)
# Wagtail remembers which rendition file answers "image 7 at fill-480x270"; kept in each
# process's memory, a list page costs no cache round trip (or database-cache query) per image.
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "masthead-renditions",
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
# Right after WhiteNoise: a cached page is served before sessions, CSRF or page routing.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "masthead.publishing.caching.PageCacheMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("masthead.publishing.caching.PageCacheMiddleware") + 1,
    "masthead.publishing.sites.SiteCacheMiddleware",
)

# === discussion settings ===
# Deeper replies sit under the deepest indented level with an "in reply to NAME" link.
DISCUSSION_MAX_INDENT = env.env_int("DISCUSSION_MAX_INDENT", 4, minimum=1)
DISCUSSION_PAGE_SIZE = env.env_int("DISCUSSION_PAGE_SIZE", 20, minimum=1)
# The first page of a thread shows, under each top-level comment, the first N replies of
# each comment down to DEPTH levels; "show more replies" links page the rest. 2 and 4 show
# a seed-sized conversation whole while bounding a page to 20 x (2+4+8+16) replies.
DISCUSSION_PREVIEW_REPLIES = env.env_int("DISCUSSION_PREVIEW_REPLIES", 2, minimum=1)
DISCUSSION_PREVIEW_DEPTH = env.env_int("DISCUSSION_PREVIEW_DEPTH", 4, minimum=1)
# At most this many comments (top-level ones and their preview replies) on a thread's page:
# the page weighs about the same however busy the thread, and readers on phones are not
# sent 250 KB of discussion. 100 is about five screens of comments.
DISCUSSION_PAGE_COMMENTS = env.env_int("DISCUSSION_PAGE_COMMENTS", 100, minimum=1)
DISCUSSION_EDIT_WINDOW_SECONDS = env.env_int("DISCUSSION_EDIT_WINDOW_SECONDS", 15 * 60, minimum=0)
DISCUSSION_MAX_LENGTH = env.env_int("DISCUSSION_MAX_LENGTH", 5000, minimum=100)
# Threads close this many days after the article is first published (0: never); editors
# override it per section or article in the admin ("Discussion closing rules").
DISCUSSION_CLOSE_AFTER_DAYS = env.env_int("DISCUSSION_CLOSE_AFTER_DAYS", 0, minimum=0)
# An SSE response holds a server thread: it streams this long, then the browser reconnects.
DISCUSSION_SSE_HOLD_SECONDS = env.env_int("DISCUSSION_SSE_HOLD_SECONDS", 20, minimum=0)
DISCUSSION_DEMO_THREAD_SIZE = env.env_int("DISCUSSION_DEMO_THREAD_SIZE", 100_000, minimum=0)
DISCUSSION_EMBED_HOSTS = env.env_list("DISCUSSION_EMBED_HOSTS", [])

# === moderation settings ===
# Default moderation mode where no section or article sets one: post, pre or trust.
MODERATION_MODE = env.env_str("MODERATION_MODE", "trust") or "trust"
# Trust: a commenter's first N comments are held; after M approved comments they are trusted.
MODERATION_NEW_COMMENTER_HOLD = env.env_int("MODERATION_NEW_COMMENTER_HOLD", 3, minimum=0)
MODERATION_TRUSTED_AFTER = env.env_int("MODERATION_TRUSTED_AFTER", 20, minimum=1)
# A commenter whose recent rejections pass this share (percent) goes back to pre-moderation.
MODERATION_REJECTION_RATE = env.env_int("MODERATION_REJECTION_RATE", 30, minimum=1)
# Offensive-language score (percent) above which the author is warned, then held.
MODERATION_OFFENSIVE_THRESHOLD = env.env_int("MODERATION_OFFENSIVE_THRESHOLD", 80, minimum=1)
MODERATION_OFFENSIVE_MODEL = env.env_bool("MODERATION_OFFENSIVE_MODEL", True)
MODERATION_MAX_LENGTH = env.env_int("MODERATION_MAX_LENGTH", 5000, minimum=1)
MODERATION_MAX_LINKS = env.env_int("MODERATION_MAX_LINKS", 2, minimum=0)
MODERATION_REPORTS_TO_HOLD = env.env_int("MODERATION_REPORTS_TO_HOLD", 3, minimum=1)
# Per-network limits on sign-up, login and password reset, on top of allauth's per-IP ones.
MIDDLEWARE = [*MIDDLEWARE, "masthead.moderation.middleware.AccountWriteLimitMiddleware"]

# === funding settings ===
# Stripe: the secret key turns online giving on; its webhook secret is then required
# (system check funding.E001). STRIPE_API_BASE points the SDK elsewhere (tests' stub server).
STRIPE_SECRET_KEY = env.env_str("STRIPE_SECRET_KEY", "") or ""
STRIPE_WEBHOOK_SECRET = env.env_str("STRIPE_WEBHOOK_SECRET", "") or ""
STRIPE_API_BASE = env.env_str("STRIPE_API_BASE", "") or ""
STRIPE_WEBHOOK_TOLERANCE = env.env_int("STRIPE_WEBHOOK_TOLERANCE", 300, minimum=1)
# The largest single gift or ledger movement, in minor units (1,000,000 = 10,000.00).
FUNDING_MAX_AMOUNT = env.env_int("FUNDING_MAX_AMOUNT", 1_000_000, minimum=1)
FUNDING_DEFAULT_CURRENCY = (env.env_str("FUNDING_DEFAULT_CURRENCY", "USD") or "USD").upper()
# Donation form posts per hour from one network or account.
FUNDING_DONATION_RATE_LIMIT = env.env_int("FUNDING_DONATION_RATE_LIMIT", 10, minimum=1)

# === migration settings ===
