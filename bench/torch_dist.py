"""PyTorch's side of bench/distributed.js: the same workloads as bench/dist_worker.mjs, on
torch.distributed with the Gloo backend (rank variables from the environment).
  allreduce N | ddp B | local B  -> rank 0 prints {"seconds": s}"""
import json
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn

mode, arg = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(int(os.environ.get('TORCH_THREADS', '1')))


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def step_times(model, batch, reps):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(batch, 784), torch.randint(0, 10, (batch,))
    times = []
    for i in range(reps + 5):
        t0 = time.perf_counter()
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        if i >= 5:
            times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


if mode == 'local':
    print(json.dumps({'seconds': step_times(mlp(), arg, 60)}))
    sys.exit(0)
dist.init_process_group('gloo')
if mode == 'allreduce':
    t = torch.ones(arg)
    times = []
    for i in range(35):
        dist.barrier()
        t0 = time.perf_counter()
        dist.all_reduce(t)
        if i >= 5:
            times.append(time.perf_counter() - t0)
    seconds = sorted(times)[len(times) // 2]
else:
    torch.manual_seed(0)
    seconds = step_times(nn.parallel.DistributedDataParallel(mlp()), arg, 60)
s = torch.tensor([seconds], dtype=torch.float64)
dist.all_reduce(s, op=dist.ReduceOp.MAX)
if dist.get_rank() == 0:
    print(json.dumps({'seconds': s.item()}))
dist.destroy_process_group()
