"""The digits MLP of examples/digits-ddp, trained one epoch at a time on one process.

Shared by the Tunekit worker (tunekit_digits.py) and the Optuna driver (../optuna_digits.py),
so both sides of the time-to-quality benchmark train the same model on the same split.
"""
import os
import sys
import time

import torch
from torch import nn
from torch.utils.data import DataLoader

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "digits-ddp"))
from train import build_model, evaluate, load_split  # noqa: E402

# One CPU per training process on either side, whatever the environment says.
torch.set_num_threads(1)


def train_epochs(config, state=None):
    """Yields (metrics, state_fn) after each epoch, from `state` (a saved checkpoint) if given.

    Seeding per epoch keeps a run resumed from a checkpoint on the same batches as one that
    never stopped, which asha_promote's pause and resume rely on.
    """
    seed = int(config["seed"])
    train_set, val_set = load_split()
    torch.manual_seed(seed)
    model = build_model(int(config["hidden"]))
    optimizer = torch.optim.Adam(model.parameters(), lr=float(config["lr"]), weight_decay=float(config["weight_decay"]))
    epoch = 0
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        epoch = state["epoch"]
    while epoch < int(config["epochs"]):
        started = time.time()
        shuffle = torch.Generator().manual_seed(seed * 1000 + epoch)
        for x, y in DataLoader(train_set, batch_size=int(config["batch_size"]), shuffle=True, generator=shuffle):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
        val_loss, val_acc = evaluate(model, val_set)
        epoch += 1
        metrics = {"epoch": epoch, "val_acc": val_acc, "val_loss": val_loss, "epoch_s": time.time() - started, "reported_at": time.time()}
        yield metrics, lambda done=epoch: {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": done}
