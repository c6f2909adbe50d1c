"""Data-parallel training of a small MLP on sklearn's bundled digits, with PyTorch DDP on CPU.

Tunekit starts one process per worker with RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set,
as torchrun would; each rank trains on its own shard and DDP averages the gradients.
Needs Debian's python3-torch and python3-sklearn (see README.md).
"""
import os
import tempfile
from datetime import timedelta

import torch
import torch.distributed as dist
from sklearn.datasets import load_digits
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

import tunekit

CHECKPOINT_FILE = "checkpoint.pt"


def load_split(seed=0, val_fraction=0.2):
    """The same train/validation split in every rank and every trial."""
    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    n_val = int(len(y) * val_fraction)
    val, train = order[:n_val], order[n_val:]
    return TensorDataset(x[train], y[train]), TensorDataset(x[val], y[val])


def build_model(hidden):
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def evaluate(model, val_set, rank=0, world_size=1):
    """Loss and accuracy over the whole validation set, each rank scoring its own slice."""
    x, y = val_set.tensors
    x, y = x[rank::world_size], y[rank::world_size]
    model.eval()
    with torch.no_grad():
        logits = model(x)
        totals = torch.tensor([
            nn.functional.cross_entropy(logits, y, reduction="sum").item(),
            (logits.argmax(dim=1) == y).sum().item(),
            float(len(y)),
        ])
    if dist.is_initialized():
        dist.all_reduce(totals)
    model.train()
    return totals[0].item() / totals[2].item(), totals[1].item() / totals[2].item()


def train_func(config):
    context = tunekit.get_context()
    rank, world_size = context.get_world_rank(), context.get_world_size()
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    print("rank %d of %d joined the gloo group" % (dist.get_rank(), dist.get_world_size()), flush=True)

    torch.manual_seed(int(config.get("seed", 0)))
    train_set, val_set = load_split()
    model = build_model(int(config["hidden"]))
    optimizer = torch.optim.Adam(model.parameters(), lr=float(config["lr"]), weight_decay=float(config["weight_decay"]))
    start_epoch = 0
    checkpoint = tunekit.get_checkpoint()
    if checkpoint:
        state = torch.load(os.path.join(checkpoint, CHECKPOINT_FILE))
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch = state["epoch"] + 1
    ddp_model = DistributedDataParallel(model)

    # batch_size is the global batch, as in Ray's examples: each rank takes its share.
    per_rank_batch = max(1, int(config["batch_size"]) // world_size)
    sampler = DistributedSampler(train_set, num_replicas=world_size, rank=rank, shuffle=True, seed=0)
    loader = DataLoader(train_set, batch_size=per_rank_batch, sampler=sampler)

    for epoch in range(start_epoch, int(config["epochs"])):
        sampler.set_epoch(epoch)
        for x, y in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(ddp_model(x), y).backward()
            optimizer.step()
        val_loss, val_acc = evaluate(model, val_set, rank, world_size)
        metrics = {"epoch": epoch, "val_loss": val_loss, "val_acc": val_acc, "world_size": world_size}
        if rank == 0:
            with tempfile.TemporaryDirectory() as tmp:
                state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
                torch.save(state, os.path.join(tmp, CHECKPOINT_FILE))
                tunekit.report(metrics, checkpoint=tmp)
        else:
            tunekit.report(metrics)

    dist.destroy_process_group()


if __name__ == "__main__":
    train_func(tunekit.get_config())
