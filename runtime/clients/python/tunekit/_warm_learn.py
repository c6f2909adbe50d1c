"""In a worker forked by a warm parent: tells the parent, once, which modules this process has
imported, so that it can import the third-party ones before it forks later workers (issue 16).

The parent passes a pipe's write end as TUNEKIT_WARM_LEARN_FD="fd:pid"; the names go at the
first report() (by then a script has imported what it trains with) or at normal exit. Whatever
goes wrong is swallowed: this must never change what the worker does, nor slow its report.
"""
import atexit
import json
import os
import stat
import sys
import types

_MAX_NAMES = 2000
_MAX_BYTES = 64 * 1024 - 1  # An empty pipe holds 64 KiB: the write never waits for the parent.
_fd = None
_pid = None


def claim():
    """Takes the pipe named in the environment, if this process is the worker it was made for."""
    global _fd, _pid
    value = os.environ.pop("TUNEKIT_WARM_LEARN_FD", "")
    try:
        fd, pid = (int(part) for part in value.split(":"))
        if pid == os.getpid() and stat.S_ISFIFO(os.fstat(fd).st_mode):
            _fd, _pid = fd, pid
            atexit.register(send_once)
    except (ValueError, OSError):
        pass


def _payload():
    names, files = [], {}
    for name, module in list(sys.modules.items()):
        if not isinstance(module, types.ModuleType) or name.startswith("__"):
            continue
        names.append(name)
        if "." not in name:
            where = module.__dict__.get("__file__")
            if isinstance(where, str):
                files[name] = where
        if len(names) == _MAX_NAMES:
            break
    while True:
        tops = {n for n in names if "." not in n}
        data = (json.dumps({"modules": names, "files": {k: v for k, v in files.items() if k in tops}}) + "\n").encode()
        if len(data) <= _MAX_BYTES or not names:
            return data
        names = names[: len(names) * 3 // 4]


def send_once():
    """Writes the names of the imported modules, once, and closes the pipe."""
    global _fd
    fd, _fd = _fd, None
    if fd is None:
        return
    try:
        if os.getpid() == _pid:  # Not in a process the worker forked.
            os.set_blocking(fd, False)
            os.write(fd, _payload())
    except Exception:  # noqa: BLE001 - learning is an optimisation, never a worker's failure
        pass
    finally:
        try:
            os.close(fd)
        except OSError:
            pass
