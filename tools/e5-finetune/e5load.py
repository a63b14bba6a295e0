import numpy as np
def deq(raw):
    b=raw.reshape(-1,18)
    d=b[:,:2].copy().view('<f2').astype(np.float32)  # (n,1)
    q=b[:,2:]
    lo=(q & 0x0F).astype(np.float32)-8; hi=(q>>4).astype(np.float32)-8
    return (np.concatenate([lo,hi],1)*d).reshape(-1)
def load(path):
    z=np.load(path)
    hidden,nl,heads,ff,maxpos,bos,eos=[int(x) for x in z['meta']]
    P={'hidden':hidden,'nl':nl,'heads':heads,'ff':ff,'maxpos':maxpos,'bos':bos,'eos':eos,'eps':float(z['eps'][0])}
    P['word']=deq(z['word_q4']).reshape(-1,hidden); P['word_ids']=z['word_ids']
    P['pos']=z['emb.pos'].reshape(maxpos,hidden); P['type']=z['emb.type'][:hidden]
    P['eln']=(z['emb.ln.w'],z['emb.ln.b'])
    L=[]
    shapes={'q':(hidden,hidden),'k':(hidden,hidden),'v':(hidden,hidden),'ao':(hidden,hidden),'fi':(ff,hidden),'fo':(hidden,ff)}
    for l in range(nl):
        d={}
        for n,sh in shapes.items():
            d[n]=(deq(z[f'l{l}.{n}.w']).reshape(sh), z[f'l{l}.{n}.b'])
        d['aln']=(z[f'l{l}.aln.w'],z[f'l{l}.aln.b']); d['oln']=(z[f'l{l}.oln.w'],z[f'l{l}.oln.b'])
        L.append(d)
    P['layers']=L
    return P
