"""PyTorch's side of bench/cnn_memory.mjs: the same network, data as float32 tensors, the same
steps of Adam at batch 128; prints {"peakRssMb", "seconds"} (VmHWM of this process)."""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100
torch.set_num_threads(int(os.environ.get('TORCH_THREADS', '2')))
root = '/usr/share/datasets/fashion-mnist'


def idx(name):
    path = os.path.join(root, name)
    opener = gzip.open if os.path.exists(path + '.gz') else open
    with opener(path + '.gz' if os.path.exists(path + '.gz') else path, 'rb') as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


images = torch.from_numpy(idx('train-images-idx3-ubyte').astype(np.float32) / 255).unsqueeze(1)
labels = torch.from_numpy(idx('train-labels-idx1-ubyte').astype(np.int64))
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=128, shuffle=True)
t0 = time.perf_counter()
n = 0
for x, y in loader:
    opt.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    opt.step()
    n += 1
    if n >= steps:
        break
seconds = time.perf_counter() - t0
with open('/proc/self/status') as f:
    hwm = int(next(l for l in f if l.startswith('VmHWM')).split()[1])
print(json.dumps({'peakRssMb': hwm / 1024, 'seconds': seconds, 'steps': n}))
