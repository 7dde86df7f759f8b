# The seed's ClassificationTransformer in PyTorch (its layers, PyTorch's default init, float32, Adam, mean BCE),
# one thread, on a TSV from DumpSentences.java: the proxy behind docs/classifier.md's attention diagnosis. The
# per-head Linears are stacked into one (the same U(+-1/sqrt(E)) init and arithmetic).
import sys, time, math, argparse
import numpy as np, torch, torch.nn as nn
p = argparse.ArgumentParser()
p.add_argument('tsv'); p.add_argument('--E', type=int, default=64); p.add_argument('--H', type=int, default=8)
p.add_argument('--dk', type=int, default=16); p.add_argument('--F', type=int, default=128)
p.add_argument('--lr', type=float, default=5e-3); p.add_argument('--bs', type=int, default=100)
p.add_argument('--epochs', type=int, default=6); p.add_argument('--decay', type=float, default=0.8)
p.add_argument('--ntrain', type=int, default=0); p.add_argument('--seed', type=int, default=0)
p.add_argument('--diag', action='store_true')
a = p.parse_args()
torch.manual_seed(a.seed); torch.set_num_threads(1)
rows = open(a.tsv).read().split('\n')
_, vocab, T = rows[0].split('\t'); vocab = vocab.split(' '); T = int(T)
ix = {w: i for i, w in enumerate(vocab)}
data = {'train': [], 'val': []}
for r in rows[1:]:
    if not r: continue
    split, label, kind, clause, frame, words = r.split('\t')
    data[split].append((int(label), kind, clause, words.split(' ')))
if a.ntrain: data['train'] = data['train'][:a.ntrain]
def enc(split):
    X = np.full((len(data[split]), T), ix['<PAD>'], dtype=np.int64); X[:, 0] = ix['<CLS>']
    for n, (_, _, _, ws) in enumerate(data[split]):
        for i, w in enumerate(ws): X[n, 1 + i] = ix.get(w, 0)
    y = np.array([d[0] for d in data[split]], dtype=np.float32)
    return torch.tensor(X), torch.tensor(y)
Xtr, ytr = enc('train'); Xva, yva = enc('val')
V = len(vocab)
class CT(nn.Module):
    def __init__(s):
        super().__init__()
        s.tok = nn.Embedding(V, a.E); s.pos = nn.Embedding(T, a.E)
        s.q = nn.Linear(a.E, a.H * a.dk)
        s.k = nn.Linear(a.E, a.H * a.dk)
        s.v = nn.Linear(a.E, a.H * a.dk)
        s.proj = nn.Linear(a.dk * a.H, a.E); s.n1 = nn.LayerNorm(a.E)
        s.W1 = nn.Linear(a.E, a.F); s.W2 = nn.Linear(a.F, a.E); s.n2 = nn.LayerNorm(a.E); s.out = nn.Linear(a.E, 1)
    def forward(s, X, diag=False):
        N, t = X.shape
        x = s.tok(X) + s.pos(torch.arange(t))[None]
        q = s.q(x).view(N, t, a.H, a.dk).transpose(1, 2); k = s.k(x).view(N, t, a.H, a.dk).transpose(1, 2)
        v = s.v(x).view(N, t, a.H, a.dk).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(a.dk), dim=3)
        heads = [(w @ v).transpose(1, 2).reshape(N, t, a.H * a.dk)]; ws = [w[:, h, 0] for h in range(a.H)]
        mh = s.proj(torch.cat(heads, 2))
        h1 = s.n1(x + mh)
        h2 = s.n2(h1 + s.W2(torch.relu(s.W1(h1))))
        z = s.out(h2[:, 0]).squeeze(1)
        if diag: return z, x[:, 0], mh[:, 0], torch.stack(ws, 1)
        return z
m = CT()
opt = torch.optim.Adam(m.parameters(), lr=a.lr)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, a.decay)
def mcc(pred, y):
    tp = ((pred == 1) & (y == 1)).sum().item(); tn = ((pred == 0) & (y == 0)).sum().item()
    fp = ((pred == 1) & (y == 0)).sum().item(); fn = ((pred == 0) & (y == 1)).sum().item()
    d = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / d if d else 0.0
def evaluate(X, y, split, n=None):
    with torch.no_grad():
        z = m(X[:n] if n else X); pred = (z >= 0).long(); yy = (y[:n] if n else y).long()
        res = {'mcc': mcc(pred, yy), 'acc': (pred == yy).float().mean().item()}
        kinds = {}
        for i, d in enumerate(data[split][:len(yy)]):
            if d[0] == 0: kinds.setdefault(d[1], []).append(pred[i].item() == 0)
        res['kinds'] = {k: round(sum(v) / len(v), 2) for k, v in sorted(kinds.items())}
        return res
N = len(ytr); t0 = time.time(); it = 0
lossf = nn.BCEWithLogitsLoss()
for ep in range(a.epochs):
    perm = torch.randperm(N)
    for b in range(0, N - a.bs + 1, a.bs):
        idx = perm[b:b + a.bs]
        loss = lossf(m(Xtr[idx]), ytr[idx])
        opt.zero_grad(); loss.backward(); opt.step(); it += 1
    sched.step()
    v = evaluate(Xva, yva, 'val'); tr = evaluate(Xtr, ytr, 'train', 3000)
    print(f"ep {ep+1} it {it} {time.time()-t0:.0f}s loss {loss.item():.3f} train mcc {tr['mcc']:.3f} val mcc {v['mcc']:.3f} acc {v['acc']:.3f} kinds {v['kinds']}", flush=True)
    if a.diag:
        with torch.no_grad():
            z, x0, mh0, w = m(Xva[:500], diag=True)
            padmass = (w * (Xva[:500] == ix['<PAD>'])[:, None, :]).sum(2).mean().item()
            var_mh = mh0.var(0).sum().item()
            print(f"   |x0| {x0.norm(dim=1).mean():.2f} |mh0| {mh0.norm(dim=1).mean():.2f} sentence-var of mh0 (sum over dims) {var_mh:.3f} PAD attention mass {padmass:.2f} max weight {w.max(2).values.mean():.2f}", flush=True)
