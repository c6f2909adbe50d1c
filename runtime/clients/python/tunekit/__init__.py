"""Tunekit's worker API: report results and checkpoints to the trial that runs this process.

Names follow Ray Train (``report``, ``get_checkpoint``, ``get_context``, ``Checkpoint``) so a
Ray training function ports by changing its import. The wire protocol is described in
protocol/REPORTING.md. Run outside Tunekit, the same script works: ``report`` prints its
metrics to stdout, there is no checkpoint to resume from, and the context is rank 0 of 1.

Standard library only; Python 3.8+.
"""

import contextlib
import json
import math
import numbers
import os
import shutil
import socket
import sys
import tempfile
import threading
from collections.abc import Mapping

__all__ = [
    "Checkpoint",
    "ConnectionLost",
    "ReportError",
    "TrainContext",
    "get_checkpoint",
    "get_config",
    "get_context",
    "report",
]

PROTOCOL_VERSION = 1
_MAX_REPLY_BYTES = 1024 * 1024


class ReportError(RuntimeError):
    """The Tunekit trainer refused a report, or could not be reached."""


class ConnectionLost(ReportError):
    """The connection to the Tunekit trainer is gone; this worker should stop."""


class Checkpoint(str):
    """A checkpoint directory. It is the absolute path itself (a ``str``), so it can be
    passed to ``os.path.join`` or ``open`` directly, and it also offers Ray's Checkpoint
    methods."""

    def __new__(cls, path):
        return super().__new__(cls, os.path.abspath(os.fsdecode(os.fspath(path))))

    @classmethod
    def from_directory(cls, path):
        return cls(path)

    @property
    def path(self):
        return str(self)

    @contextlib.contextmanager
    def as_directory(self):
        """Yields the directory to read from; it is the checkpoint itself, so do not modify it."""
        yield str(self)

    def to_directory(self, path=None):
        """Copies the checkpoint to ``path`` (a new temporary directory if omitted) and returns it."""
        target = os.path.abspath(path) if path is not None else tempfile.mkdtemp(prefix="tunekit-checkpoint-")
        shutil.copytree(str(self), target, dirs_exist_ok=True)
        return target

    def __repr__(self):
        return "Checkpoint(%r)" % str(self)


class TrainContext:
    """Where this worker stands in its trial, with Ray's TrainContext method names."""

    def __init__(self, env):
        self.world_rank = _int_env(env, "RANK", 0)
        self.local_rank = _int_env(env, "LOCAL_RANK", 0)
        self.world_size = _int_env(env, "WORLD_SIZE", 1)
        self.local_world_size = _int_env(env, "LOCAL_WORLD_SIZE", self.world_size)
        self.trial_id = env.get("TUNEKIT_TRIAL_ID") or None
        self.trial_name = env.get("TUNEKIT_TRIAL_NAME") or None
        self.experiment_path = env.get("TUNEKIT_EXPERIMENT_PATH") or None
        self.trial_dir = env.get("TUNEKIT_TRIAL_DIR") or None

    def get_world_rank(self):
        return self.world_rank

    def get_local_rank(self):
        return self.local_rank

    def get_world_size(self):
        return self.world_size

    def get_local_world_size(self):
        return self.local_world_size

    def get_node_rank(self):
        return 0

    def get_trial_id(self):
        return self.trial_id

    def get_trial_name(self):
        return self.trial_name

    def get_experiment_path(self):
        return self.experiment_path

    def get_trial_dir(self):
        return self.trial_dir

    def __repr__(self):
        return "TrainContext(rank %d of %d, trial %s)" % (self.world_rank, self.world_size, self.trial_name)


def report(metrics, checkpoint=None):
    """Sends one result to the trial and blocks until it is recorded.

    ``metrics`` is a dict with string keys; values may be numbers, strings, booleans, None,
    lists, dicts, or numpy/torch scalars and arrays. NaN and infinities are allowed; an
    integer beyond a 64-bit float's range raises ValueError.
    ``checkpoint`` is a directory (a path, a ``Checkpoint``, or anything with a ``.path``);
    it has been copied by the time this returns, so a temporary directory may be deleted.
    Returns the name the checkpoint was stored under (e.g. ``checkpoint_000003``), or None.
    Raises ReportError if the trial refuses the report, ConnectionLost if the trial is gone.
    """
    payload = _jsonable_metrics(metrics)
    checkpoint_path = _checkpoint_path(checkpoint)
    if _learning is not None:
        _learning.send_once()
    session = _current_session()
    if session is None:
        line = "[tunekit] report " + _dumps(payload)
        if checkpoint_path is not None:
            line += " checkpoint=" + checkpoint_path
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        return None
    return session.report(payload, checkpoint_path)


def get_checkpoint():
    """The checkpoint this trial resumes from, or None on a fresh start."""
    path = os.environ.get("TUNEKIT_CHECKPOINT")
    return Checkpoint(path) if path else None


def get_config():
    """The trial's train_loop_config (a new dict each call); {} outside Tunekit."""
    text = os.environ.get("TUNEKIT_CONFIG")
    if not text:
        return {}
    config = json.loads(text)
    if not isinstance(config, dict):
        raise ValueError("TUNEKIT_CONFIG must hold a JSON object")
    return config


def get_context():
    return TrainContext(os.environ)


class _Session:
    """This process's one connection to the trial's report socket, opened on first use."""

    def __init__(self, path, token, rank):
        self._path = path
        self._token = token
        self._rank = rank
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._sock = None
        self._buffer = b""
        self._seq = 0
        self._lost = None

    def report(self, metrics, checkpoint):
        with self._lock:
            if _forked_from is not None and _forked_from == self._pid:
                raise ReportError(
                    "tunekit.report() was called in a forked child process; report from the worker process itself"
                )
            if self._lost is not None:
                raise ConnectionLost(self._lost)
            if self._sock is None:
                self._connect()
            self._seq += 1
            self._send({"type": "report", "seq": self._seq, "metrics": metrics, "checkpoint": checkpoint})
            reply = self._receive()
            if reply.get("type") == "ack" and reply.get("seq") == self._seq:
                if reply.get("ok") is True:
                    return reply.get("checkpoint_dir_name")
                raise ReportError("Tunekit did not record the report: %s" % reply.get("error"))
            if reply.get("type") == "error":
                raise ReportError("Tunekit refused the report: %s" % reply.get("error"))
            raise ReportError("unexpected reply from the Tunekit trainer: %r" % (reply,))

    def _connect(self):
        sock = None
        try:
            if self._path.startswith("tcp://"):
                # A trial spread over cluster nodes reports over TCP inside its allocation.
                host, _, port = self._path[len("tcp://"):].rpartition(":")
                sock = socket.create_connection((host.strip("[]"), int(port)))
            else:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(self._path)
        except (OSError, ValueError) as err:
            if sock is not None:
                sock.close()
            self._lost = "cannot connect to the Tunekit trainer at %s (%s); its driver may have exited" % (
                self._path,
                err,
            )
            raise ConnectionLost(self._lost) from err
        self._sock = sock
        self._send(
            {"type": "hello", "token": self._token, "rank": self._rank, "pid": os.getpid(), "version": PROTOCOL_VERSION}
        )
        reply = self._receive()
        if reply.get("type") != "welcome":
            self._close("the Tunekit trainer refused this worker: %s" % reply.get("error", reply))
            raise ReportError(self._lost)

    def _send(self, message):
        try:
            self._sock.sendall((_dumps(message) + "\n").encode("utf-8"))
        except OSError as err:
            self._close(_LOST_MESSAGE % err)
            raise ConnectionLost(self._lost) from err

    def _receive(self):
        while b"\n" not in self._buffer:
            if len(self._buffer) > _MAX_REPLY_BYTES:
                self._close("the Tunekit trainer sent a reply longer than %d bytes" % _MAX_REPLY_BYTES)
                raise ConnectionLost(self._lost)
            try:
                chunk = self._sock.recv(65536)
            except OSError as err:
                self._close(_LOST_MESSAGE % err)
                raise ConnectionLost(self._lost) from err
            if not chunk:
                self._close(_LOST_MESSAGE % "closed by the trainer")
                raise ConnectionLost(self._lost)
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line.decode("utf-8"))
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            self._close("the Tunekit trainer sent a line that is not a JSON object")
            raise ConnectionLost(self._lost)
        return reply

    def _close(self, why):
        self._lost = why
        if self._sock is not None:
            self._sock.close()
            self._sock = None


_LOST_MESSAGE = (
    "lost the connection to the Tunekit trainer (%s); its driver has probably exited, so this worker should stop"
)

_session = None
_session_lock = threading.Lock()
# The pid a forked child was forked from: a fork copies the session, whose socket is the
# parent's. Set at the fork rather than compared with os.getpid() per report, a system call.
_forked_from = None


def _after_fork_in_child():
    global _forked_from
    if _session is not None and _forked_from is None:
        _forked_from = _session._pid


os.register_at_fork(after_in_child=_after_fork_in_child)


def _current_session():
    global _session
    session = _session
    if session is not None:  # Once made, the process's session for good: no environment lookup per report.
        return session
    path = os.environ.get("TUNEKIT_REPORT_SOCKET")
    if not path:
        return None
    with _session_lock:
        if _session is None:
            _session = _Session(path, os.environ.get("TUNEKIT_REPORT_TOKEN", ""), _int_env(os.environ, "RANK", 0))
        return _session


def _dumps(value):
    # allow_nan=False: non-finite floats were already spelled as strings; strict JSON has none.
    return json.dumps(value, allow_nan=False, separators=(",", ":"))


def _jsonable_metrics(metrics):
    if not isinstance(metrics, Mapping):
        raise TypeError("tunekit.report() needs a dict of metrics, got %s" % type(metrics).__name__)
    return _jsonable(metrics, ("metrics",))


def _where(path):
    """A value's place for an error message, e.g. ``metrics['loss'][2]``; made only on error."""
    return path[0] + "".join("[%d]" % step if type(step) is int else "[%r]" % (step,) for step in path[1:])


_MAX_FLOAT = sys.float_info.max


def _jsonable(value, path):
    # Exact built-in types first: this runs for every value of every report, and the common
    # flat dict of floats and ints should cost no more than a type check each (issue 16).
    kind = type(value)
    if kind is float:
        if value - value == 0.0:  # finite: inf - inf and nan - nan are both nan
            return value
    elif kind is int:
        if -_MAX_FLOAT <= value <= _MAX_FLOAT:
            return value
    elif kind is str or value is None or kind is bool:
        return value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        if abs(value) > _MAX_FLOAT:
            # The trainer reads numbers as doubles and refuses one that overflows (REPORTING.md).
            raise ValueError("%s is an integer too large for a 64-bit float, which cannot be reported" % _where(path))
        return int(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return float(value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if type(key) is not str and not isinstance(key, str):
                raise TypeError("%s has a key %r that is not a string" % (_where(path), key))
            out[str(key)] = _jsonable(item, path + (key,))
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(item, path + (i,)) for i, item in enumerate(value)]
    # numpy and torch values: scalars and arrays both have tolist(); some scalars only item().
    for convert in ("tolist", "item"):
        method = getattr(value, convert, None)
        if callable(method):
            return _jsonable(method(), path)
    if isinstance(value, numbers.Real):
        return _jsonable(float(value), path)
    raise TypeError(
        "%s is a %s, which cannot be reported (use numbers, strings, booleans, None, lists or dicts)"
        % (_where(path), type(value).__name__)
    )


def _checkpoint_path(checkpoint):
    if checkpoint is None:
        return None
    if isinstance(checkpoint, (str, bytes, os.PathLike)):
        path = checkpoint
    else:
        path = getattr(checkpoint, "path", None)
        if path is None:
            raise TypeError(
                "checkpoint must be a directory path or an object with a .path, got %s" % type(checkpoint).__name__
            )
    path = os.path.abspath(os.fsdecode(os.fspath(path)))
    if not os.path.isdir(path):
        raise ValueError("checkpoint directory %s does not exist" % path)
    return path


def _int_env(env, name, default):
    text = env.get(name)
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ValueError("%s must be an integer, got %r" % (name, text)) from None


def _connect_early():
    """Connects at import, so the driver can tell a worker that hangs before its first
    report (startup_timeout_s) from one that is merely slow to report."""
    session = _current_session()
    if session is None:
        return
    with session._lock:
        if session._sock is None and session._lost is None:
            try:
                session._connect()
            except ReportError:
                pass  # Raised again, with its reason, by the first report().


def _learning_for_warm_parent():
    """In a worker forked by a warm parent: it learns this worker's imports (_warm_learn.py)."""
    if "TUNEKIT_WARM_LEARN_FD" not in os.environ:
        return None
    import importlib

    learn = importlib.import_module(__name__ + "._warm_learn")
    learn.claim()
    return learn


_learning = _learning_for_warm_parent()
_connect_early()
