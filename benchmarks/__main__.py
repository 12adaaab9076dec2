"""`python -m benchmarks` runs every benchmark, each in a fresh process, then prints a summary;
`python -m benchmarks dispatch search` runs only those. Figures are printed, never asserted: the
exit status says only whether every benchmark ran to the end."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, Metric, print_metrics

BENCHMARKS = (
    "startup",
    "idle",
    "dispatch",
    "ingest",
    "search",
    "scale",
    "coordination",
    "dashboard",
)


def run_one(name: str, json_out: Path | None) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
    began = time.perf_counter()
    metrics: list[Metric] = module.run()
    print_metrics(metrics)
    print(f"  ({name} took {time.perf_counter() - began:.1f} s)\n", flush=True)
    if json_out is not None:
        json_out.write_text(json.dumps([m.to_json() for m in metrics]))


def run_all(names: list[str]) -> int:
    """Each benchmark in its own interpreter: clean peak RSS, and one failure spares the rest."""
    began = time.perf_counter()
    results: dict[str, list[Metric] | None] = {}
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as tmp:
        for name in names:
            out = Path(tmp) / f"{name}.json"
            code = subprocess.call(
                [sys.executable, "-m", "benchmarks", name, "--json", str(out)], cwd=ROOT
            )
            if code == 0 and out.exists():
                results[name] = [Metric(**m) for m in json.loads(out.read_text())]
            else:
                print(f"  !! {name} failed (exit {code})\n", flush=True)
                results[name] = None
    print_summary(results)
    print(f"\nwhole run: {time.perf_counter() - began:.0f} s")
    return 0 if all(v is not None for v in results.values()) else 1


def print_summary(results: dict[str, list[Metric] | None]) -> None:
    header = f"{'metric':<46} {'value':>12} {'unit':<7} {'budget':>12} {'ratio':>7}  verdict"
    print("=" * len(header))
    print(header)
    print("-" * len(header))
    for name, metrics in results.items():
        if metrics is None:
            print(f"{name + ': FAILED':<46}")
            continue
        for m in metrics:
            if m.budget is None:
                budget, ratio, verdict = "—", "—", ""
            else:
                op = "≥" if m.higher_is_better else "≤"
                budget = f"{op} {m.budget:g}"
                ratio = f"{m.ratio:.2f}"
                verdict = "within" if m.within else "OVER BUDGET"
            print(f"{m.name:<46} {m.value:>12.2f} {m.unit:<7} {budget:>12} {ratio:>7}  {verdict}")
    print("=" * len(header))
    print("ratio = value / budget (below 1 is good for times and sizes, above 1 for rates)")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    parser.add_argument("--json", type=Path, help="also write the figures here (one benchmark)")
    args = parser.parse_args()
    names = args.names or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    if len(names) == 1:
        run_one(names[0], args.json)
        return 0
    return run_all(names)


if __name__ == "__main__":
    sys.exit(main())
