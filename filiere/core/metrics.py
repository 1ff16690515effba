"""Request latency and job durations in Prometheus' text format (`/metriques/`).

Labels are bounded: the URL pattern that served a request (never its path, which may carry an
identifier or a secret), the method and the status code; a job's kind and state. Request
durations are measured by each web process: with ``PROMETHEUS_MULTIPROC_DIR`` set (an empty
directory per start of the web service, see deploy/), the page adds up every gunicorn worker's.
Apps contribute figures read from their own tables at each scrape (the job worker's durations
are in the job records) by registering a collector here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

UNRESOLVED = "(non résolu)"

REQUEST_SECONDS = Histogram(
    "filiere_request_duration_seconds",
    "Durée de traitement des requêtes HTTP, par motif d'URL.",
    ["method", "route", "status"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
)

_collectors: list[Collector] = []


def register_collector(collector: Collector) -> None:
    if collector not in _collectors:
        _collectors.append(collector)


def observe_request(method: str, route: str | None, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method, route or UNRESOLVED, str(status)).observe(seconds)


class _AppFigures(Collector):
    def collect(self) -> Iterable[Metric]:
        for collector in _collectors:
            yield from collector.collect()


def exposition() -> tuple[bytes, str]:
    """The metrics page's body and content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    figures = CollectorRegistry(auto_describe=False)
    figures.register(_AppFigures())
    return generate_latest(processes) + generate_latest(figures), CONTENT_TYPE_LATEST
