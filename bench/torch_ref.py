"""PyTorch side of kindling's benchmarks: the same workloads, timed the same way (medians).
usage: torch_ref.py WORKLOAD THREADS [JSON_OPTIONS]; prints one JSON object."""
import json
import sys
import time

import torch

workload, threads = sys.argv[1], int(sys.argv[2])
opts = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
torch.set_num_threads(threads)


def median_seconds(fn, reps=20, warmup=3):
    for _ in range(warmup):
        fn()
    t = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t.append(time.perf_counter() - t0)
    t.sort()
    return t[len(t) // 2]


def mlp_params():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256),
                                torch.nn.ReLU(), torch.nn.Linear(256, 10))
    return model, list(model.parameters())


if workload == "sgemm":
    m, n, k = opts["m"], opts["n"], opts["k"]
    a, b = torch.rand(m, k), torch.rand(k, n)
    out = torch.empty(m, n)
    result = {"seconds": median_seconds(lambda: torch.mm(a, b, out=out), reps=opts.get("reps", 20))}
elif workload in ("add", "relu"):
    n = opts["n"]
    a, b = torch.rand(n) - 0.5, torch.rand(n)
    out = torch.empty(n)
    fresh = opts.get("fresh", False)
    if workload == "add":
        fn = (lambda: torch.add(a, b)) if fresh else (lambda: torch.add(a, b, out=out))
    else:
        # relu has no out=; clamp at 0 into `out` is the same computation into a reused buffer
        fn = (lambda: torch.relu(a)) if fresh else (lambda: torch.clamp(a, min=0, out=out))
    result = {"seconds": median_seconds(fn, reps=50)}
elif workload == "adam":
    model, params = mlp_params()
    opt = torch.optim.Adam(params, lr=1e-3)
    for p in params:
        p.grad = torch.rand_like(p)
    result = {"seconds": median_seconds(opt.step, reps=50), "params": sum(p.numel() for p in params)}
elif workload == "perop":
    a, b, c = (torch.rand(16, requires_grad=True) for _ in range(3))

    def step():
        y = a.mul(b).add(c).sum()
        y.backward()

    inner = 10000
    result = {"seconds": median_seconds(lambda: [step() for _ in range(inner)], reps=5, warmup=1) / inner}
elif workload == "linreg":
    torch.manual_seed(0)
    x = torch.rand(100, 1)
    y = 1 + 2 * x + 0.1 * torch.randn(100, 1)

    def fit():
        b = torch.zeros(1, requires_grad=True)
        w = torch.zeros(1, requires_grad=True)
        for _ in range(1000):
            loss = ((x * w + b - y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                b -= 0.1 * b.grad
                w -= 0.1 * w.grad
            b.grad.zero_()
            w.grad.zero_()

    result = {"seconds": median_seconds(fit, reps=7, warmup=1)}
elif workload == "mlp":
    import gzip
    import resource

    import numpy as np

    def idx(path):
        with gzip.open(path, "rb") as f:
            raw = f.read()
        nd = raw[3]
        dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
        return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)

    root = opts["root"]
    x = torch.from_numpy(idx(f"{root}/train-images-idx3-ubyte.gz").astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(idx(f"{root}/train-labels-idx1-ubyte.gz").astype(np.int64))
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256),
                                torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=128, shuffle=True)
    epochs = []
    for epoch in range(opts.get("epochs", 2)):
        split = {"data": 0.0, "forward": 0.0, "backward": 0.0, "step": 0.0}
        t0 = last = time.perf_counter()
        steps = 0
        for xb, yb in loader:
            t = time.perf_counter(); split["data"] += t - last
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            t2 = time.perf_counter(); split["forward"] += t2 - t
            opt.zero_grad()
            loss.backward()
            t3 = time.perf_counter(); split["backward"] += t3 - t2
            opt.step()
            last = time.perf_counter(); split["step"] += last - t3
            steps += 1
        epochs.append({"seconds": time.perf_counter() - t0, "steps": steps, **split})
    result = {"epochs": epochs, "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
elif workload == "surface":
    torch.manual_seed(0)
    op = opts["op"]
    if op == "einsum":
        a, b = torch.randn(8, 8, 128, 128), torch.randn(8, 8, 128, 128)
        fn = lambda: torch.einsum("bhqd,bhkd->bhqk", a, b)
    else:
        x = torch.randn(1024, 1024)
        fn = {
            "sin": lambda: x.sin(),
            "cumsum": lambda: x.cumsum(1),
            "logsumexp": lambda: x.logsumexp(1),
            "topk": lambda: x.topk(10, 1),
            "sort": lambda: x.sort(1),
        }[op]
    result = {"seconds": median_seconds(fn, reps=20)}
elif workload == "mnist_net":
    torch.manual_seed(0)
    F = torch.nn.functional

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 32, 3)
            self.conv2 = torch.nn.Conv2d(32, 64, 3)
            self.fc1 = torch.nn.Linear(9216, 128)
            self.fc2 = torch.nn.Linear(128, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
            x = F.dropout(x, 0.25, self.training)
            x = F.dropout(F.relu(self.fc1(torch.flatten(x, 1))), 0.5, self.training)
            return F.log_softmax(self.fc2(x), 1)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))

    def train_step():
        opt.zero_grad()
        F.nll_loss(net(x), y).backward()
        opt.step()
    result = {"seconds": median_seconds(train_step, reps=15)}
elif workload == "word_lm":
    # pytorch/examples word_language_model, small setting: Embedding 10k x 200, 2-layer LSTM 200,
    # Linear 200 -> 10k, bptt 35, batch 20, clip 0.25, plain SGD (lr 20), hidden state carried
    torch.manual_seed(0)

    class RNNModel(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = torch.nn.Embedding(10000, 200)
            self.rnn = torch.nn.LSTM(200, 200, 2, dropout=0.2)
            self.decoder = torch.nn.Linear(200, 10000)
            self.drop = torch.nn.Dropout(0.2)

        def forward(self, x, hidden):
            out, hidden = self.rnn(self.drop(self.encoder(x)), hidden)
            return self.decoder(self.drop(out)).view(-1, 10000), hidden

    model = RNNModel()
    x, y = torch.randint(0, 10000, (35, 20)), torch.randint(0, 10000, (35 * 20,))
    state = [(torch.zeros(2, 20, 200), torch.zeros(2, 20, 200))]

    def train_step():
        hidden = tuple(h.detach() for h in state[0])
        model.zero_grad()
        out, hidden = model(x, hidden)
        torch.nn.functional.cross_entropy(out, y).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-20)
        state[0] = hidden
    result = {"seconds": median_seconds(train_step, reps=15)}
else:
    raise SystemExit(f"unknown workload {workload}")

print(json.dumps(result))
