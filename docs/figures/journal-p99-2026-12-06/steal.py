import sys,re
rows=[]
for line in open(sys.argv[1]):
    p=line.split()
    if len(p)<6 or not re.match(r'^\d+\.\d+$',p[0]): continue
    try:
        t=float(p[0]); cpu=int(p[1].strip('[]')); task=' '.join(p[2:-3]); w,d,r=map(float,p[-3:])
    except: continue
    rows.append((t,cpu,task,w,d,r))
pre=[(t-r/1e3,t) for t,c,task,w,d,r in rows if 'journal-pretouc' in task]
runs=sorted(r for t,c,task,w,d,r in rows if 'journal-pretouc' in task)
def pct(a,q): return a[min(len(a)-1,int(q*len(a)))] if a else 0
print('pretouch: %d runs, CPU %.1f ms, run p50 %.3f p99 %.3f max %.3f ms, runs>1ms %d'%(len(runs),sum(runs),pct(runs,.5),pct(runs,.99),runs[-1] if runs else 0,sum(1 for x in runs if x>1)))
for who in ['demo/journal','lab/feed']:
    waits=[(t-r/1e3-d/1e3,t-r/1e3) for t,c,task,w,d,r in rows if who in task and d>0]
    tot=0; mx=0
    for a,b in waits:
        ov=sum(max(0,min(b,e)-max(a,s)) for s,e in pre)
        tot+=ov; mx=max(mx,ov)
    print('%-13s runnable-wait total %.1f ms, of it while pretouch on a cpu %.1f ms, worst single wait overlapped %.3f ms'%(who,sum(b-a for a,b in waits)*1e3,tot*1e3,mx*1e3))
