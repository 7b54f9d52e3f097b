#!/usr/bin/env python3
"""Same-run A/B of the engine scenarios of `lowlatency bench` between two builds.

Usage: perf/ab/compare-builds.py BASE_DIR HEAD_DIR [PAIRS] [OUT_DIR] [--scenario S ...] [--rounds N] [--figure F ...]

BASE_DIR and HEAD_DIR are checkouts (e.g. `git worktree add /tmp/base <commit>`) whose lab is built
(`dotnet build perf/LowLatency.Lab -c Release`). The script alternates `bench --quick` runs of the two
builds PAIRS times (default 5), base first in odd pairs and head first in even ones, so a phase change of
the VM lands on both sides. Within every run each engine scenario is divided by its reference measured in
that same run (the catalog's rule: handrolled-1p1c[-publish10] for the 1p1c shapes, the metrics-off twin
for metrics, channel-async for the rest), and the report gives, per scenario, the median of those
per-run ratios for each build and head / base. With --scenario (repeatable) it runs those scenarios instead, with
--rounds N full rounds instead of --quick (e.g. --scenario window-tumbling-vwap-10k --rounds 3); a scenario outside
the engine rules is divided by the reference its own report names (window-tumbling-vwap-10k: the dictionary
baseline), and the report also gives each build's median rate. With --figure F (repeatable, e.g. --figure p99Us),
it also gives, per scenario that reports F, each build's median of F over every round of every run (the figures a
round prints on its progress line) and head / base. Python 3 standard library only.
"""
import argparse
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


def run(checkout, json_path, log, scenarios, rounds):
    args = ["dotnet", "run", "--project", "perf/LowLatency.Lab", "-c", "Release", "--no-build", "--",
            "bench", "--json", str(json_path.resolve())]
    args += ["--rounds", str(rounds)] if rounds else ["--quick"]
    for s in scenarios:
        args += ["--scenario", s]
    with open(log, "w") as out:
        subprocess.run(args, cwd=checkout, stdout=out, stderr=subprocess.STDOUT, check=True, timeout=1800)
    report = json.loads(json_path.read_text())
    rates = {r["name"]: r["eventsPerSecond"] for r in report["results"]}
    references = {r["name"]: r.get("reference") for r in report["results"]}
    rounds_figures = {r["name"]: r.get("iterationFigures") or [] for r in report["results"]}
    probe = report["machine"].get("coreToCoreRoundTripNs", {})
    return rates, references, rounds_figures, probe


def main():
    parser = argparse.ArgumentParser(usage="compare-builds.py BASE_DIR HEAD_DIR [PAIRS] [OUT_DIR] [--scenario S ...] [--rounds N]")
    parser.add_argument("base", type=Path)
    parser.add_argument("head", type=Path)
    parser.add_argument("pairs", type=int, nargs="?", default=5)
    parser.add_argument("out", type=Path, nargs="?", default=Path("ab-out"))
    parser.add_argument("--scenario", action="append", dest="scenarios")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--figure", action="append", dest="figures", default=[])
    a = parser.parse_args()
    scenarios = a.scenarios or SCENARIOS
    a.out.mkdir(parents=True, exist_ok=True)
    ratios = {"base": {}, "head": {}}
    rates_of = {"base": {}, "head": {}}
    reference = {}
    figures_of = {"base": {}, "head": {}}  # (scenario, figure) → every round's value
    for pair in range(a.pairs):
        order = [("base", a.base), ("head", a.head)] if pair % 2 == 0 else [("head", a.head), ("base", a.base)]
        for side, checkout in order:
            rates, references, rounds_figures, probe = run(checkout, a.out / f"{side}-{pair}.json", a.out / f"{side}-{pair}.log", scenarios, a.rounds)
            print(f"pair {pair} {side}: probe {probe.get('before', '?')} / {probe.get('after', '?')} ns", flush=True)
            for name, rounds in rounds_figures.items():
                for figure in a.figures:
                    figures_of[side].setdefault((name, figure), []).extend(f[figure] for f in rounds if figure in f)
            for name, rate in rates.items():
                rates_of[side].setdefault(name, []).append(rate)
                ref = reference_of(name) or references.get(name)
                if ref and ref in rates and rates[ref] > 0:
                    reference[name] = ref
                    ratios[side].setdefault(name, []).append(rate / rates[ref])
    print(f"\n{'scenario':38} {'reference':28} {'base':>7} {'head':>7} {'head/base':>9} {'M/s base':>9} {'M/s head':>9}")
    for name in sorted(set(ratios["base"]) & set(ratios["head"])):
        b = statistics.median(ratios["base"][name])
        h = statistics.median(ratios["head"][name])
        rb = statistics.median(rates_of["base"][name]) / 1e6
        rh = statistics.median(rates_of["head"][name]) / 1e6
        print(f"{name:38} {reference[name]:28} {b:7.2f} {h:7.2f} {h / b:9.2f} {rb:9.1f} {rh:9.1f}")
    if a.figures:
        print(f"\n{'scenario':38} {'figure (median of rounds)':28} {'base':>9} {'head':>9} {'head/base':>9}")
        for name, figure in sorted(k for k in figures_of["base"] if figures_of["base"][k] and figures_of["head"].get(k)):
            b = statistics.median(figures_of["base"][(name, figure)])
            h = statistics.median(figures_of["head"][(name, figure)])
            print(f"{name:38} {figure:28} {b:9.4g} {h:9.4g} {h / b if b else float('nan'):9.2f}")


if __name__ == "__main__":
    main()
