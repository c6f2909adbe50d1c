"""Time-to-quality worker: the digits MLP for up to `epochs` epochs, one report per epoch.

It checkpoints only when the config says so (asha_promote pauses and resumes trials, the
other schedulers never do), so the other methods pay no checkpoint cost Optuna does not pay.
"""
import os
import tempfile

import torch

import tunekit
from digits_training import train_epochs

CHECKPOINT_FILE = "state.pt"

config = tunekit.get_config()
checkpoint = tunekit.get_checkpoint()
state = torch.load(os.path.join(checkpoint, CHECKPOINT_FILE)) if checkpoint else None
for metrics, state_fn in train_epochs(config, state):
    if config.get("checkpoint"):
        with tempfile.TemporaryDirectory() as tmp:
            torch.save(state_fn(), os.path.join(tmp, CHECKPOINT_FILE))
            tunekit.report(metrics, checkpoint=tmp)
    else:
        tunekit.report(metrics)
