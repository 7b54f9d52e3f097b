import re,collections,sys
rows=[]
for line in open(sys.argv[1]):
    p=line.split()
    if len(p)<6 or not re.match(r'^\d+\.\d+$',p[0]): continue
    try: t=float(p[0]); c=int(p[1].strip('[]')); task=' '.join(p[2:-3]); w,d,r=map(float,p[-3:])
    except: continue
    rows.append((t,c,task,w,d,r))
tids=sorted(set(re.search(r'\[(\d+)/',x[2]).group(1) for x in rows if 'demo/' in x[2]))
for tid in tids[-2:]:
    ts=[t for t,c,task,w,d,r in rows if '['+tid+'/' in task]
    s,e=min(ts),max(ts)
    run=collections.Counter(); dl=collections.Counter(); n=collections.Counter(); mx=collections.Counter(); big=collections.Counter()
    for t,c,task,w,d,r in rows:
        if s<=t<=e:
            k=re.sub(r'\[\d+/?\d*\]','',task); run[k]+=r; dl[k]+=d; n[k]+=1; mx[k]=max(mx[k],d); big[k]+= d>1
    print(tid,'window %.2f s'%(e-s))
    for k,v in run.most_common(6): print('   %-20s run %7.1f ms  switches %5d  schdelay %6.1f ms  max %.2f  delays>1ms %d'%(k,v,n[k],dl[k],mx[k],big[k]))
