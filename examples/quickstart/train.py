"""Logistic regression by mini-batch gradient descent, in plain Python (no dependencies).

Run it under Tunekit (`npx tunekit run quickstart.tune.yaml`) or on its own (`python3 train.py`):
outside Tunekit, tunekit.report() prints the metrics and there is no checkpoint to resume.
"""
import json
import math
import os
import random
import tempfile

import tunekit

FEATURES = 8


def make_data(seed, n):
    """A fixed, noisy, linearly separable problem: the same for every trial."""
    rng = random.Random(seed)
    true_w = [rng.uniform(-2, 2) for _ in range(FEATURES)]
    rows = []
    for _ in range(n):
        x = [rng.gauss(0, 1) for _ in range(FEATURES)]
        margin = sum(w * v for w, v in zip(true_w, x)) + rng.gauss(0, 1.5)
        rows.append((x, 1.0 if margin > 0 else 0.0))
    return rows


def sigmoid(z):
    if z < -30:
        return 0.0
    if z > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))


def evaluate(weights, bias, rows):
    loss = 0.0
    correct = 0
    for x, y in rows:
        p = sigmoid(sum(w * v for w, v in zip(weights, x)) + bias)
        p = min(max(p, 1e-12), 1 - 1e-12)
        loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
        correct += (p >= 0.5) == (y == 1.0)
    return loss / len(rows), correct / len(rows)


def train_epoch(weights, bias, rows, lr, l2, batch_size, rng):
    rng.shuffle(rows)
    for start in range(0, len(rows), batch_size):
        batch = rows[start:start + batch_size]
        grad_w = [0.0] * FEATURES
        grad_b = 0.0
        for x, y in batch:
            err = sigmoid(sum(w * v for w, v in zip(weights, x)) + bias) - y
            for i, v in enumerate(x):
                grad_w[i] += err * v
            grad_b += err
        n = len(batch)
        for i in range(FEATURES):
            weights[i] -= lr * (grad_w[i] / n + l2 * weights[i])
        bias -= lr * grad_b / n
    return weights, bias


def main():
    config = tunekit.get_config()
    lr = float(config.get("lr", 0.1))
    l2 = float(config.get("l2", 1e-4))
    batch_size = int(config.get("batch_size", 32))
    epochs = int(config.get("epochs", 10))

    data = make_data(seed=7, n=1200)
    train_rows, val_rows = data[:900], data[900:]
    weights, bias, start_epoch = [0.0] * FEATURES, 0.0, 0

    checkpoint = tunekit.get_checkpoint()
    if checkpoint:
        with open(os.path.join(checkpoint, "model.json")) as f:
            state = json.load(f)
        weights, bias, start_epoch = state["weights"], state["bias"], state["epoch"] + 1

    rng = random.Random(1000 + start_epoch)
    for epoch in range(start_epoch, epochs):
        weights, bias = train_epoch(weights, bias, train_rows, lr, l2, batch_size, rng)
        val_loss, val_acc = evaluate(weights, bias, val_rows)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "model.json"), "w") as f:
                json.dump({"weights": weights, "bias": bias, "epoch": epoch}, f)
            tunekit.report({"epoch": epoch, "val_loss": val_loss, "val_acc": val_acc}, checkpoint=tmp)


if __name__ == "__main__":
    main()
