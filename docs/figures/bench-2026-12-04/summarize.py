#!/usr/bin/env python3
"""Medians of `lowlatency bench --json` reports, as quoted in the README's Performance section.

For each scenario: the median rate over the reports, and the medians of two ratios taken inside each report (so a
phase change between processes cancels out): to `channel-async` and to the hand-written ring with the same claim
size (`handrolled-1p1c`, or `handrolled-1p1c-publish10` for the claim-10 scenarios; 1P1C scenarios only).
Usage: python3 summarize.py sustained/*.json
"""
import json
import statistics
import sys


def main(paths):
    runs = []
    for path in sorted(paths):
        with open(path) as f:
            runs.append({r["name"]: r for r in json.load(f)["results"]})

    names = list(dict.fromkeys(name for run in runs for name in run))
    print(f"{len(runs)} reports")
    print("| scenario | runs | M events/s | × channel-async | × hand-written ring | max B/event |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        having = [run for run in runs if name in run]
        rate = statistics.median(run[name]["eventsPerSecond"] for run in having) / 1e6
        channel = statistics.median(
            run[name]["eventsPerSecond"] / run["channel-async"]["eventsPerSecond"] for run in having)
        reference = "handrolled-1p1c-publish10" if "publish10" in name else "handrolled-1p1c"
        hand = [run[name]["eventsPerSecond"] / run[reference]["eventsPerSecond"] for run in having if reference in run]
        allocated = max(run[name]["allocatedBytesPerEvent"] for run in having)
        hand_cell = f"{statistics.median(hand):.2f}" if hand and name.startswith("engine-1p1c") else "—"
        print(f"| `{name}` | {len(having)} | {rate:.1f} | {channel:.1f} | {hand_cell} | {allocated:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
