"""gunicorn settings for production: `make serve` (or `gunicorn sscregistry.wsgi`) reads this file.

Every value can be overridden from the environment, so a platform can size the server.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str((os.cpu_count() or 1) * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Restart workers now and then so that a slow leak can never take a server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
# Equally loaded workers reach max_requests together: with a 10 % jitter the benchmark saw all four
# restart within a second, and requests waited up to 0.7 s for a worker. Half spreads them out.
max_requests_jitter = max_requests // 2
# Load the app once in the master and fork the workers from it: a worker restarted by max_requests
# answers at once instead of importing Django and the app again (a second or two of stalled
# requests, every few seconds per worker under load). Nothing opens a database connection at import.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"remote":"%(h)s","request":"%(r)s","status":%(s)s,"bytes":%(B)s,"ms":%(M)s,'
    '"request_id":"%({x-request-id}o)s"}'
)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):  # noqa: ARG001 (gunicorn's hook signature)
    """Load the embedding model in the master, so that the forked workers share it (with preload_app)."""
    if preload_app:
        from registry.embeddings import preload  # noqa: PLC0415 (Django is set up by the preloaded app)

        preload()
