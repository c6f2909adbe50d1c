"""Resume-time worker: reports `iterations` results, checkpointing every `checkpoint_every`,
and continues from its latest checkpoint when resumed."""
import json
import os
import tempfile

import tunekit

config = tunekit.get_config()
start = 0
checkpoint = tunekit.get_checkpoint()
if checkpoint:
    with open(os.path.join(checkpoint, "state.json")) as f:
        start = json.load(f)["iteration"]
for it in range(start + 1, int(config["iterations"]) + 1):
    metrics = {"it": it, "loss": 1.0 / it}
    if it % int(config["checkpoint_every"]) == 0:
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "state.json"), "w") as f:
                json.dump({"iteration": it}, f)
            tunekit.report(metrics, checkpoint=tmp)
    else:
        tunekit.report(metrics)
