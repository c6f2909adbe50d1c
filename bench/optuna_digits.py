"""Optuna 3.1 on the time-to-quality benchmark: TPE with its HyperbandPruner, trials in this
process one after another (as Optuna runs them), the same model, data and epochs as the
Tunekit worker (digits/digits_training.py).

usage: optuna_digits.py SPACE.json OUT.jsonl --seed S --trials N --epochs E --reduction-factor R

SPACE.json maps each parameter to {"loguniform": [low, high]} or {"choice": [values]}.
OUT.jsonl gets one line per trial: its wall-clock start and end, state and per-epoch rows.
"""
import argparse
import json
import os
import sys
import time

import optuna

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits"))
from digits_training import train_epochs  # noqa: E402


def suggest(trial, name, domain):
    (kind, args), = domain.items()
    if kind == "loguniform":
        return trial.suggest_float(name, args[0], args[1], log=True)
    if kind == "choice":
        return trial.suggest_categorical(name, args)
    raise SystemExit("unsupported domain for %s: %s" % (name, kind))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("space")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--reduction-factor", type=int, required=True)
    args = parser.parse_args()
    with open(args.space) as f:
        space = json.load(f)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # HyperbandPruner puts a trial in a bracket by a hash of the study's name, which Optuna
    # otherwise makes up at random: named, a seed gives the same run every time, as on our side.
    study = optuna.create_study(
        study_name="digits-seed%d" % args.seed,
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=args.seed),
        pruner=optuna.pruners.HyperbandPruner(min_resource=1, max_resource=args.epochs, reduction_factor=args.reduction_factor),
    )
    out = open(args.out, "w")

    def objective(trial):
        started = time.time()
        config = {name: suggest(trial, name, domain) for name, domain in space.items()}
        config.update(seed=args.seed, epochs=args.epochs)
        rows = []
        state = "COMPLETE"
        try:
            for metrics, _ in train_epochs(config):
                rows.append(metrics)
                trial.report(metrics["val_acc"], metrics["epoch"])
                if trial.should_prune():
                    state = "PRUNED"
                    raise optuna.TrialPruned()
            return rows[-1]["val_acc"]
        finally:
            record = {"number": trial.number, "config": config, "state": state, "start": started, "end": time.time(), "rows": rows}
            out.write(json.dumps(record) + "\n")
            out.flush()

    study.optimize(objective, n_trials=args.trials)
    out.close()


if __name__ == "__main__":
    main()
