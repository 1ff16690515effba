"""The jobs' figures for Prometheus, read from the job records at each scrape: the worker runs in
its own process, and its records are what every web process can read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from filiere.jobs.models import Job

BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 4 * 3600.0)


def _histogram(durations: list[float]) -> list[tuple[str, float]]:
    buckets = [(str(bound), float(sum(d <= bound for d in durations))) for bound in BUCKETS]
    return [*buckets, ("+Inf", float(len(durations)))]


class JobFigures(Collector):
    def collect(self) -> Iterable[Metric]:
        states = GaugeMetricFamily(
            "filiere_jobs", "Tâches de fond par sorte et état.", labels=["kind", "status"]
        )
        rows = Job.objects.values("kind", "status").annotate(count=Count("pk"))
        for row in rows.order_by("kind", "status"):
            states.add_metric([row["kind"], row["status"]], row["count"])
        yield states
        durations: dict[tuple[str, str], list[float]] = defaultdict(list)
        finished = Job.objects.filter(started_at__isnull=False, finished_at__isnull=False)
        for kind, status, started, finished_at in finished.values_list(
            "kind", "status", "started_at", "finished_at"
        ):
            if started is not None and finished_at is not None:  # filtered above; for mypy
                durations[(kind, status)].append((finished_at - started).total_seconds())
        histogram = HistogramMetricFamily(
            "filiere_job_duration_seconds",
            "Durée des tâches de fond finies, par sorte et issue.",
            labels=["kind", "status"],
        )
        for (kind, status), values in sorted(durations.items()):
            histogram.add_metric([kind, status], _histogram(values), sum_value=sum(values))
        yield histogram
