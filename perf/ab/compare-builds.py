#!/usr/bin/env python3
"""Same-run A/B of the engine scenarios of `lowlatency bench` between two builds.

Usage: perf/ab/compare-builds.py BASE_DIR HEAD_DIR [PAIRS] [OUT_DIR]

BASE_DIR and HEAD_DIR are checkouts (e.g. `git worktree add /tmp/base <commit>`) whose lab is built
(`dotnet build perf/LowLatency.Lab -c Release`). The script alternates `bench --quick` runs of the two
builds PAIRS times (default 5), base first in odd pairs and head first in even ones, so a phase change of
the VM lands on both sides. Within every run each engine scenario is divided by its reference measured in
that same run (the catalog's rule: handrolled-1p1c[-publish10] for the 1p1c shapes, the metrics-off twin
for metrics, channel-async for the rest), and the report gives, per scenario, the median of those
per-run ratios for each build and head / base. Python 3 standard library only.
"""
import json
import statistics
import subprocess
import sys
from pathlib import Path

SCENARIOS = ["engine-", "handrolled", "channel-async"]


def reference_of(name):
    if name == "engine-1p1c-metrics":
        return "engine-1p1c-yielding-event"
    if name == "engine-1p1c-metrics-batch":
        return "engine-1p1c-yielding-batch"
    if name.startswith("engine-1p1c") and name.endswith("-publish10"):
        return "handrolled-1p1c-publish10"
    if name.startswith("engine-1p1c"):
        return "handrolled-1p1c"
    if name.startswith("engine-"):
        return "channel-async"
    return None


def run(checkout, json_path, log):
    args = ["dotnet", "run", "--project", "perf/LowLatency.Lab", "-c", "Release", "--no-build", "--",
            "bench", "--quick", "--json", str(json_path)]
    for s in SCENARIOS:
        args += ["--scenario", s]
    with open(log, "w") as out:
        subprocess.run(args, cwd=checkout, stdout=out, stderr=subprocess.STDOUT, check=True, timeout=600)
    report = json.loads(json_path.read_text())
    rates = {r["name"]: r["eventsPerSecond"] for r in report["results"]}
    probe = report["machine"].get("coreToCoreRoundTripNs", {})
    return rates, probe


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: compare-builds.py BASE_DIR HEAD_DIR [PAIRS] [OUT_DIR]")
    base, head = Path(sys.argv[1]), Path(sys.argv[2])
    pairs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    out = Path(sys.argv[4] if len(sys.argv) > 4 else "ab-out")
    out.mkdir(parents=True, exist_ok=True)
    ratios = {"base": {}, "head": {}}
    for pair in range(pairs):
        order = [("base", base), ("head", head)] if pair % 2 == 0 else [("head", head), ("base", base)]
        for side, checkout in order:
            rates, probe = run(checkout, out / f"{side}-{pair}.json", out / f"{side}-{pair}.log")
            print(f"pair {pair} {side}: probe {probe.get('before', '?')} / {probe.get('after', '?')} ns", flush=True)
            for name, rate in rates.items():
                ref = reference_of(name)
                if ref and ref in rates and rates[ref] > 0:
                    ratios[side].setdefault(name, []).append(rate / rates[ref])
    print(f"\n{'scenario':38} {'reference':28} {'base':>7} {'head':>7} {'head/base':>9}")
    for name in sorted(set(ratios["base"]) & set(ratios["head"])):
        b = statistics.median(ratios["base"][name])
        h = statistics.median(ratios["head"][name])
        print(f"{name:38} {reference_of(name):28} {b:7.2f} {h:7.2f} {h / b:9.2f}")


if __name__ == "__main__":
    main()
