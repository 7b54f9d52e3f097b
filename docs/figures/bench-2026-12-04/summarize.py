#!/usr/bin/env python3
"""Prints the figures the README's Performance section quotes from the files in this folder.

  summarize.py REPORT.json...                 per scenario: median rate over the reports, and the medians of two
                                              ratios taken inside each report (so a phase change between processes
                                              cancels out): to `channel-async`, and to the hand-written ring with
                                              the same claim size (1P1C scenarios only)
  summarize.py --ratio A B REPORT.json...     median over the reports of A ÷ B, each taken inside one report
                                              (a `*` in A and B stands for the same text: *backoff* vs *yielding*)
  summarize.py --latency FILE...              p50 / p99.9 of `lowlatency pingpong` or `futex-wake` output lines:
                                              count, range and median, split at 300 ns p50 (the fast phase's
                                              spin round trips are below it, the slow phase's above)
"""
import json
import re
import statistics
import sys


def load(paths):
    runs = []
    for path in sorted(paths):
        with open(path) as f:
            runs.append({r["name"]: r for r in json.load(f)["results"]})
    return runs


def rate_of(run, name):
    return run[name]["eventsPerSecond"]


def table(paths):
    runs = load(paths)
    names = list(dict.fromkeys(name for run in runs for name in run))
    print(f"{len(runs)} reports")
    print("| scenario | runs | M events/s | × channel-async | × hand-written ring | max B/event |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        having = [run for run in runs if name in run]
        rate = statistics.median(rate_of(run, name) for run in having) / 1e6
        channel = statistics.median(rate_of(run, name) / rate_of(run, "channel-async") for run in having)
        reference = "handrolled-1p1c-publish10" if "publish10" in name else "handrolled-1p1c"
        hand = [rate_of(run, name) / rate_of(run, reference) for run in having if reference in run]
        hand_cell = f"{statistics.median(hand):.2f}" if hand and name.startswith("engine-1p1c") else "—"
        allocated = max(run[name]["allocatedBytesPerEvent"] for run in having)
        print(f"| `{name}` | {len(having)} | {rate:.1f} | {channel:.1f} | {hand_cell} | {allocated:.2f} |")


def ratio(numerator, denominator, paths):
    runs = load(paths)
    pattern = numerator.replace("*", "(.*)")
    for name in sorted({n for run in runs for n in run}):
        match = re.fullmatch(pattern, name)
        if not match:
            continue
        other = denominator.replace("*", match.group(1)) if "*" in denominator else denominator
        ratios = [rate_of(run, name) / rate_of(run, other) for run in runs if name in run and other in run]
        if ratios:
            print(f"{name} ÷ {other}: median {statistics.median(ratios):.2f} over {len(ratios)} reports "
                  f"({min(ratios):.2f}–{max(ratios):.2f})")


def latency(paths):
    samples = []
    for path in paths:
        with open(path) as f:
            for line in f:
                ns = re.search(r"p50 ([\d.]+) ns.*?p99\.9 ([\d.]+) ns", line)
                us = re.search(r"p50 ([\d.]+) us", line)
                if ns:
                    samples.append((float(ns.group(1)), float(ns.group(2))))
                elif us:
                    samples.append((float(us.group(1)) * 1e3, None))
    for phase, group in (("p50 < 300 ns (fast phase)", [s for s in samples if s[0] < 300]),
                         ("p50 ≥ 300 ns", [s for s in samples if s[0] >= 300])):
        if not group:
            continue
        p50 = [s[0] for s in group]
        line = f"{phase}: {len(group)} runs, p50 {min(p50):.0f}–{max(p50):.0f} ns (median {statistics.median(p50):.0f})"
        tails = [s[1] for s in group if s[1] is not None]
        if tails:
            line += (f", p99.9 {min(tails):.0f}–{max(tails):.0f} ns (median {statistics.median(tails):.0f};"
                     f" ≤ 400 ns in {sum(t <= 400 for t in tails)})")
        print(line)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--ratio"]:
        ratio(args[1], args[2], args[3:])
    elif args[:1] == ["--latency"]:
        latency(args[1:])
    else:
        table(args)
