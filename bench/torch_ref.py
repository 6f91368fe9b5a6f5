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
    fn = (lambda: torch.add(a, b, out=out)) if workload == "add" else (lambda: torch.relu(a))
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
else:
    raise SystemExit(f"unknown workload {workload}")

print(json.dumps(result))
