"""Benchmarks, run by ``make bench`` (pytest-benchmark); ``make test`` runs each once, untimed.

``BENCH_SIZE`` sets the size of the data sets (default 2,000 under ``make bench``, 50 in tests).
"""
