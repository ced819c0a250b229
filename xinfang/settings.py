"""Django settings for Xinfang.

Configuration comes from environment variables with safe development defaults;
`XINFANG_ENV=production` refuses to start with a development secret.
"""
from pathlib import Path
import json
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("XINFANG_DATA_DIR", PROJECT_DIR / "data"))

DEV_SECRET = "xinfang-development-secret-not-for-production"
ENV = os.environ.get("XINFANG_ENV", "development")
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
DEBUG = os.environ.get("DEBUG", "1" if ENV != "production" else "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

if ENV == "production":
    if SECRET_KEY == DEV_SECRET or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("生产环境必须设置足够长的 SECRET_KEY（不可使用开发默认值）。")
    if DEBUG:
        raise ImproperlyConfigured("生产环境不得开启 DEBUG。")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "xinfang.orgs",
    "xinfang.core",
    "xinfang.audit",
    "xinfang.petitions",
    "xinfang.disputes",
    "xinfang.hazards",
    "xinfang.assessments",
    "xinfang.documents",
    "xinfang.intake",
    "xinfang.search",
    "xinfang.notifications",
    "xinfang.stats",
    "xinfang.supervision",
    "xinfang.emergencies",
    "xinfang.campaigns",
    "xinfang.meetings",
    "xinfang.accountability",
    "xinfang.community_board",
    "xinfang.api",
    "xinfang.portal",
    "xinfang.web",
    "xinfang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xinfang.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "xinfang.wsgi.application"

DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'xinfang.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite, with writers queued on a file lock (xinfang/core/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "xinfang.core.sqlite"
    # IMMEDIATE: a writer takes the lock at BEGIN, so concurrent registrations queue
    # instead of failing with "database is locked" on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("XINFANG_TEST_SQLITE", "")} if os.environ.get("XINFANG_TEST_SQLITE") else {}

AUTH_USER_MODEL = "orgs.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "zh-hans"
# The interface exists in Chinese only: offering English would let a browser set to English
# turn Django's own words (weekdays, form and admin messages) English amid a Chinese page.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("XINFANG_MEDIA_ROOT", DATA_DIR / "media"))
# Background work: tasks in the database (django-tasks), run by `xinfang worker`, which
# `xinfang serve` starts alongside the web server. The daily jobs (closing lapsed matters,
# deadline and 督办 reminders, SMS) start at XINFANG_DAILY_AT local time.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
XINFANG_DAILY_AT = os.environ.get("XINFANG_DAILY_AT", "00:05")
# Owners (handler and the unit's reviewers) are reminded this many days before a due date
# ("3,0": three days before and on the day), and once when it has passed.
XINFANG_REMINDER_DAYS = os.environ.get("XINFANG_REMINDER_DAYS", "3,0")
# The outbound channel for reminders: a class with send(*, phone, text) -> str. The default
# writes each message to the log and the outbound table (no gateway on an intranet demo).
XINFANG_SMS_GATEWAY = os.environ.get("XINFANG_SMS_GATEWAY", "xinfang.notifications.outbound.LoggingSmsGateway")

# The category model a deployment starts with (until it retrains on its own cases).
XINFANG_INTAKE_DEFAULT_MODEL = os.environ.get("XINFANG_INTAKE_DEFAULT_MODEL",
                                              str(BASE_DIR / "intake" / "data" / "default_model.joblib"))

# 稳评 rating rule: "a few" strong objections, as a share of respondents (the sources give no
# number; a province sets its own).
XINFANG_ASSESSMENT_SOME_PERCENT = int(os.environ.get("XINFANG_ASSESSMENT_SOME_PERCENT", "10"))

# Written notices: the red organ head (GB/T 9704 发文机关标志) on or off; abbreviations of unit
# names in document numbers, as JSON {"SFQXFJ": "示信"} (a unit's name otherwise).
XINFANG_DOCUMENT_RED_HEAD = os.environ.get("XINFANG_DOCUMENT_RED_HEAD", "1") not in ("0", "false", "")
XINFANG_DOCUMENT_UNIT_ABBREVIATIONS = json.loads(os.environ.get("XINFANG_DOCUMENT_UNIT_ABBREVIATIONS", "{}"))

# The most rows a case-list export to xlsx holds (the file says when it was cut).
XINFANG_EXPORT_MAX_ROWS = int(os.environ.get("XINFANG_EXPORT_MAX_ROWS", "5000"))

# Upload limits: staff pages and the public portal (which takes pictures and PDF only).
XINFANG_UPLOAD_MAX_MB = int(os.environ.get("XINFANG_UPLOAD_MAX_MB", "20"))
XINFANG_PORTAL_UPLOAD_MAX_MB = int(os.environ.get("XINFANG_PORTAL_UPLOAD_MAX_MB", "5"))
XINFANG_PORTAL_UPLOAD_MAX_FILES = int(os.environ.get("XINFANG_PORTAL_UPLOAD_MAX_FILES", "5"))
# The public portal: submissions and captcha pictures per client address; how long a
# captcha stays valid; the data-retention sentence of the data-use notice (empty: default text).
XINFANG_PORTAL_SUBMIT_RATE = os.environ.get("XINFANG_PORTAL_SUBMIT_RATE", "20/h")
XINFANG_PORTAL_CAPTCHA_RATE = os.environ.get("XINFANG_PORTAL_CAPTCHA_RATE", "60/m")
XINFANG_PORTAL_CAPTCHA_MINUTES = int(os.environ.get("XINFANG_PORTAL_CAPTCHA_MINUTES", "60"))
XINFANG_PORTAL_RETENTION_NOTE = os.environ.get("XINFANG_PORTAL_RETENTION_NOTE", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Served from the app folders without collectstatic, so a fresh clone serves its assets.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if ENV == "production":
    SESSION_COOKIE_SECURE = os.environ.get("XINFANG_SECURE_COOKIES", "1") == "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Domain configuration (DOMAIN.md): the province whose deadline-rule overrides apply,
# and how many days before a due date a deadline counts as 临期.
XINFANG_PROVINCE = os.environ.get("XINFANG_PROVINCE", "")
XINFANG_DUE_SOON_DAYS = int(os.environ.get("XINFANG_DUE_SOON_DAYS", "3"))
# The 信访局 that registers what the public submits online (its short code); empty means
# the lowest-level 信访局 in the tree — the district's, in a district deployment.
XINFANG_PORTAL_UNIT = os.environ.get("XINFANG_PORTAL_UNIT", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": os.environ.get("XINFANG_LOG_LEVEL", "WARNING")}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINFANG_LOG_LEVEL", "WARNING")},
    # django.request would print twice (its own handler and ours): keep ours only.
    "loggers": {"django": {"handlers": ["console"], "level": os.environ.get("XINFANG_LOG_LEVEL", "WARNING"),
                           "propagate": False}},
}

# Public API limits per client address; behind a reverse proxy set how many proxies to trust.
XINFANG_API_PUBLIC_RATE = os.environ.get("XINFANG_API_PUBLIC_RATE", "60/m")
XINFANG_API_RATING_RATE = os.environ.get("XINFANG_API_RATING_RATE", "10/m")
XINFANG_NUM_PROXIES = int(os.environ.get("XINFANG_NUM_PROXIES", "0"))
