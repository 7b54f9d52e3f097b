"""Per report: median rate of each window scenario and the median of its per-round ratios (README window table).

The issue's ratios: tumbling / dictionary baseline, hopping / tumbling (same trades), session / Rx baseline.
"""
import glob
import json
import os
import statistics as st

for f in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "*.json"))):
    d = json.load(open(f))
    r = {x['name']: x['iterationEventsPerSecond'] for x in d['results']}
    n = len(r['window-session'])

    def ratio(a, b):
        return st.median([r[a][i] / r[b][i] for i in range(n)])

    def med(a):
        return st.median(r[a]) / 1e6

    print(f"{os.path.basename(f):15} tum {med('window-tumbling-vwap-10k'):5.1f} hop {med('window-hopping-10'):5.1f} "
          f"ses {med('window-session'):5.1f} dict {med('window-dictionary-baseline'):5.1f} rx {med('window-rx-baseline'):4.2f} | "
          f"tum/dict {ratio('window-tumbling-vwap-10k', 'window-dictionary-baseline'):.2f} "
          f"hop/tum {ratio('window-hopping-10', 'window-tumbling-vwap-10k'):.2f} "
          f"ses/rx {ratio('window-session', 'window-rx-baseline'):5.1f} "
          f"probe ns {[round(p) for p in d['machine']['coreToCoreRoundTripNs']['rounds']]}")
