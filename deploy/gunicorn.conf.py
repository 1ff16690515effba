"""Gunicorn's settings for Filière: read by the systemd unit (filiere-web.service) and by the test
that starts the production server (core/tests/test_production_server.py).

The listening socket comes from systemd (filiere-web.socket, a Unix socket only nginx may open);
the test gives ``--bind`` instead.
"""

from __future__ import annotations

import os

wsgi_app = "filiere.wsgi:application"

# Three workers held the load measured on two cores (issue 17); WEB_CONCURRENCY (set in the
# unit) changes it: about two per core, each holding its own database connection.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# The longest pages (a patient's PDF booklet, an SDM-MR document) take seconds; a worker still
# busy after a minute is stuck and is replaced. nginx waits a little longer (proxy_read_timeout).
timeout = 60
graceful_timeout = 30
# A worker is replaced after this many requests, so that slow memory growth never accumulates.
# Not much more often: a new worker imports the application and compiles its templates again
# (seconds of CPU, and slow first pages); at 50 requests/s, 2,000 meant a restart every two
# minutes per worker.
max_requests = 20000
max_requests_jitter = 2000

# The application writes one line per request itself (filiere.request: request id, user id,
# duration); gunicorn's access log would repeat it with the query string, where a search puts a
# patient's name. With a logging configuration gunicorn always logs access to "gunicorn.access":
# that logger drops everything below CRITICAL, and access is never logged above INFO.
accesslog = None
errorlog = "-"
# Gunicorn's own messages (start, stop, worker timeouts) in the application's format.
_format = "json" if os.environ.get("LOG_FORMAT", "json") == "json" else "text"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "filiere.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _format,
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}


def child_exit(server: object, worker: object) -> None:
    """A replaced worker's request durations stay counted, and its live gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
