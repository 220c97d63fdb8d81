import json,glob,sys,tomllib
from packaging.version import Version
cells=[]
for f in sorted(glob.glob('results/history/*.json'))+sorted(glob.glob('results/baseline/*.json')):
    for c in json.load(open(f))['cells']:
        c['_f']=f.split('/')[-1]; cells.append(c)
def plain(case,c):
    d=tomllib.load(open(f'cases/{case}/case.toml','rb'))
    v=d['variants'].get(c['variant'])
    return v is None or ('patch' not in v and 'workaround' not in v)
case=sys.argv[1]
from collections import defaultdict
g=defaultdict(list)
for c in cells:
    if c['case']!=case or not plain(case,c) or not c['upstream']['version']: continue
    g[(c['check'],c['python_requested'])].append((Version(c['upstream']['version']),c['outcome'],c['agrees'],c['variant']))
for k in sorted(g):
    rows=sorted(g[k])
    runs=[]
    for v,o,a,var in rows:
        tag=o+('' if a in (True,None) else '!')
        if runs and runs[-1][2]==tag: runs[-1][1]=v
        else: runs.append([v,v,tag])
    print(k, ' | '.join(f"{a}-{b}:{t}" if a!=b else f"{a}:{t}" for a,b,t in runs))
