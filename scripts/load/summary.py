"""Print one load step's figures from locust's statistics file: rate, percentiles, errors."""

from __future__ import annotations

import csv
import sys


def main(path: str, target: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(f"{'page':<28} {'req':>7} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'err':>5}")
    for row in rows:
        if row["Request Count"] == "0":  # only asked during the warm-up (logins, first pages)
            continue
        print(
            f"{row['Name'][:28]:<28} {row['Request Count']:>7} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} "
            f"{row['99%']:>6} {row['Failure Count']:>5}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(
        f"target {target} req/s: achieved {float(total['Requests/s']):.1f} req/s, "
        f"p95 {total['95%']} ms, errors {total['Failure Count']}"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
