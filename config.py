"""Configuration classes: the only place that reads environment variables.

`create_app()` takes one of these classes (or a subclass the tests define). Everything a
deployment changes comes from the environment; everything else has a safe default.
"""

import os

DEV_SECRET_KEY = "dev-only-secret-key-change-me"


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def normalise_database_url(url):
    """Point plain `postgres://` and `postgresql://` URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", "sqlite:///meridian.db")  # relative to instance/
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    CLINIC_TIMEZONE = os.environ.get("CLINIC_TIMEZONE", "America/New_York")

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Meridian <clinic@example.com>")
    #: where patients reach the site: links in emails (check-ins, unsubscribe) start with it
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT_PER_IP = "20 per minute"
    LOGIN_RATE_LIMIT_PER_ACCOUNT = "10 per 15 minutes"

    # Sessions: signed cookies, renewed on every request so PERMANENT_SESSION_LIFETIME is
    # the idle timeout; SESSION_ABSOLUTE_LIFETIME caps a login however active it is.
    PERMANENT_SESSION_LIFETIME = 30 * 60
    SESSION_ABSOLUTE_LIFETIME = 12 * 60 * 60
    SESSION_REFRESH_EACH_REQUEST = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 0

    # argon2id; argon2-cffi's defaults (t=3, m=64 MiB, p=4) are above OWASP's minimum
    # (t=2, m=19 MiB, p=1).
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_KIB = 65536
    PASSWORD_HASH_PARALLELISM = 4

    PATIENTS_PER_PAGE = 25
    AUDIT_EVENTS_PER_PAGE = 50
    #: no form needs more; larger requests get 413 before any parsing
    MAX_CONTENT_LENGTH = 1024 * 1024
    #: reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust: the
    #: client's real address feeds rate limits and the audit trail
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    #: where `flask backup create` writes when no --output is given
    BACKUP_DIRECTORY = os.environ.get("BACKUP_DIRECTORY", "")  # "" = instance/backups
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SEND_SECURITY_HEADERS = True
    HSTS = False
    #: adds /bench/floor/<patient id>, the load benchmark's baseline page; off in deployments
    BENCH_FLOOR_ROUTE = _env_bool("BENCH_FLOOR_ROUTE")


class DevelopmentConfig(Config):
    DEBUG = True


class ProductionConfig(Config):
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    HSTS = True
    #: production runs behind one TLS-terminating proxy (see README, Security)
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 1)
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")

    @classmethod
    def check(cls):
        """Refuse to run with a secret key anyone could read in the source."""
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEV_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (python -c 'import secrets; print(secrets.token_hex(32))')."
            )


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    MAIL_BACKEND = "memory"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    # Cheap hashes keep the suite fast; production parameters are tested separately.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 1024
    PASSWORD_HASH_PARALLELISM = 1
    CLINIC_TIMEZONE = "America/New_York"
    #: in CI, tests that need a real component fail instead of skipping when it is missing
    RUNNING_IN_CI = _env_bool("CI")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def child_process_environment(**extra):
    """The environment for a program the app runs (pg_dump), plus `extra` variables."""
    return {**os.environ, **extra}


def config_from_environment():
    return CONFIGS[os.environ.get("MERIDIAN_ENV", "development")]
