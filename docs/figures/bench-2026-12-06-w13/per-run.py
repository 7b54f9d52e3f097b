"""Per report: median rate of each window scenario and the median of its per-round ratios (README window table)."""
import glob
import json
import os
import statistics as st
for f in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "*.json"))):
    d=json.load(open(f))
    r={x['name']:x['iterationEventsPerSecond'] for x in d['results']}
    n=len(r['window-session'])
    def ratios(a,b): return [r[a][i]/r[b][i] for i in range(n)]
    med=lambda a: st.median(r[a])/1e6
    print(f"{os.path.basename(f):22} tum {med('window-tumbling-vwap-10k'):5.1f} hop {med('window-hopping-10'):5.1f} ses {med('window-session'):5.1f} dict {med('window-dictionary-baseline'):5.1f} rx {med('window-rx-baseline'):4.2f} | tum/dict {st.median(ratios('window-tumbling-vwap-10k','window-dictionary-baseline')):.2f} tum/hop {st.median(ratios('window-tumbling-vwap-10k','window-hopping-10')):.2f} ses/rx {st.median(ratios('window-session','window-rx-baseline')):5.1f} probe {d['machine']['coreToCoreRoundTripNs']['rounds']}")
