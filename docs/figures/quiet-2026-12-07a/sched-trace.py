#!/usr/bin/env python3
"""What journal-p99-experiments.txt item 3 reads from a scheduler trace of one journaled demo run.

Record (root, the lab built):
  perf record -e sched:sched_switch -g -o sw.data -- perf/LowLatency.Lab/bin/Release/net10.0/lowlatency demo --duration 6 --journal /tmp/jx
  perf script -i sw.data -F tid,time,event,trace,ip,sym > sw.txt
Then: sched-trace.py sw.txt [THREAD_NAME_PREFIX, default demo/journal]
Prints each thread's time on a CPU over the run, and for the named thread the stretches it spent off its core,
grouped by state (R: runnable, preempted; S/D: sleeping) and the kernel stack it left from.
"""
import collections
import re
import sys

lines = open(sys.argv[1]).read().split('\n')
prefix = sys.argv[2] if len(sys.argv) > 2 else 'demo/journal'
switches = []
i = 0
while i < len(lines):
    m = re.match(r'\s*(\d+)\s+([\d.]+):\s+sched:sched_switch:\s+(.*)', lines[i])
    i += 1
    if not m:
        continue
    stack = []
    while i < len(lines) and re.match(r'^\s+[0-9a-f]+ ', lines[i]):
        stack.append(lines[i].split()[-1])
        i += 1
    trace = m.group(3)
    prev_comm, prev_pid = re.search(r'prev_comm=(.*?) prev_pid=(\d+)', trace).groups()
    next_comm, next_pid = re.search(r'next_comm=(.*?) next_pid=(\d+)', trace).groups()
    state = re.search(r'prev_state=(\S+)', trace).group(1)
    switches.append((float(m.group(2)), prev_comm, prev_pid, state, next_pid, stack))

on_cpu = collections.Counter()
since = {}
for t, comm, pid, _, next_pid, _ in switches:
    if pid in since:
        on_cpu[comm] += t - since.pop(pid)
    since[next_pid] = t
print('time on a CPU per thread:')
for comm, seconds in on_cpu.most_common(8):
    print(f'  {comm:28} {seconds:.3f} s')

watched = next((pid for _, comm, pid, *_ in switches if comm.startswith(prefix)), None)
off = collections.defaultdict(list)
left = None
for t, comm, pid, state, next_pid, stack in switches:
    if pid == watched:
        left = (t, state, ' < '.join(s for s in stack if s not in ('__schedule', 'schedule'))[:120])
    if next_pid == watched and left:
        off[(left[1], left[2])].append((t - left[0]) * 1000)
        left = None
print(f'\noff its core, thread {prefix} ({watched}):')
for (state, stack), ms in sorted(off.items(), key=lambda kv: -sum(kv[1]))[:8]:
    print(f'  {sum(ms):7.1f} ms in {len(ms):4d} stretches, longest {max(ms):6.2f} ms, state {state}: {stack}')
