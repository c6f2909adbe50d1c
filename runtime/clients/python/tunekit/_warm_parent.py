"""Tunekit's warm parent: imports what a worker script imports once, then forks one fresh
worker per start, so a worker does not pay interpreter start-up and `import torch` (issue 16).

Run by the Trainer driver as `python _warm_parent.py`, never by users. Protocol: JSON lines,
driver -> parent on fd 0, parent -> driver on fd 1. The first driver line says what to warm:
    {"target": "train.py" | null, "module": "pkg.mod" | null, "imports": [...] | null}
The parent answers {"ready": [imported...]} or {"refused": "one sentence"} and exits.
Then {"fork": id, "argv": [...], "env": {...}, "cwd": "...", "stdio": "/sock", "nonce": "..."}
is answered {"forked": id, "pid": n}, and later {"exit": id, "code": c, "signal": s}.

Rules (README, "Warm start"): the parent never runs user code, never starts a thread and never
initialises CUDA; each worker gets the trial's environment, cwd, argv, sys.path[0], default
signal handlers and stdio on the driver's socket before the script runs as __main__.
"""
import ast
import ctypes
import importlib.util
import json
import os
import select
import signal
import socket
import sys
import tempfile
import traceback

# Never warmed: our client reads the worker's environment and connects when imported.
_NEVER = {"tunekit", "__future__", "__main__"}
_GPU_LIBS = ("libcuda.so", "libnvidia-ml.so")
_PR_SET_PDEATHSIG = 1
# The last variable of the parent's environment: room where a worker writes its own, so that
# /proc/<pid>/environ (ps e, debuggers) shows what the worker really has, later values winning.
_ROOM = b"TUNEKIT_WARM_ENV_ROOM"

_ctl_in = os.dup(0)
_ctl_out = os.dup(1)


def _send(message):
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(_ctl_out, data):]


def _script_imports(path):
    """Top-level modules the script imports at module level (not inside functions)."""
    with open(path, "rb") as f:
        tree = ast.parse(f.read(), path)
    names = []
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.append(node.module)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []) or []:
                    pending.extend(child.body if isinstance(child, ast.ExceptHandler) else [child])
    return names


def _local_file(name, roots):
    """(is it the user's own, its source file): a module beside the script or in cwd (or
    one not found) is imported fresh by each worker, never by the warm parent."""
    try:
        spec = importlib.util.find_spec(name.split(".")[0])
    except (ImportError, ValueError):
        return True, None
    if spec is None:
        return True, None
    origin = spec.origin or (list(spec.submodule_search_locations or []) or [""])[0]
    if not origin or origin in ("built-in", "frozen"):
        return False, None
    origin = os.path.realpath(origin)
    local = any(origin.startswith(root + os.sep) for root in roots)
    return local, (origin if local and origin.endswith(".py") else None)


def _discover(script, roots):
    """The script's top-level imports, and those of the user's own modules it imports
    (read, never run), so `import torch` inside a local helper module is warmed too."""
    found, seen, files = [], set(), [script]
    while files and len(seen) < 50:
        path = files.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            names = _script_imports(path)
        except (OSError, SyntaxError, ValueError):
            if path == script:
                raise
            continue  # The worker will meet the same error when it imports it.
        for name in names:
            local, source = _local_file(name, roots)
            if not local:
                found.append(name)
            elif source:
                files.append(source)
    return found


def _threads():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _gpu_lib_loaded():
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                if any(lib in line for lib in _GPU_LIBS):
                    return line.split()[-1]
    except OSError:
        pass
    return None


def _warm(request):
    """Imports the modules; returns (imported, None) or (None, why warm start is refused)."""
    cwd = os.getcwd()
    roots = [os.path.realpath(cwd)]
    if request.get("target"):
        script_dir = os.path.dirname(os.path.realpath(request["target"]))
        sys.path[0] = script_dir
        roots.append(script_dir)
    else:
        sys.path[0] = cwd
    declared = request.get("imports")
    if declared is None:
        if not request.get("target"):
            return [], None
        try:
            declared = _discover(request["target"], roots)
        except (OSError, SyntaxError, ValueError) as err:
            return None, "could not read the script's imports (%s)" % err
    imported = []
    for name in declared:
        if name.split(".")[0] in _NEVER or name in sys.modules or _local_file(name, roots)[0]:
            continue
        try:
            __import__(name)
        except BaseException as err:  # noqa: B902 - any failure means: start cold
            return None, "importing %s failed in the warm parent (%s: %s)" % (name, type(err).__name__, err)
        imported.append(name)
        if _threads() > 1:
            return None, "importing %s started a thread, so forking after it is unsafe" % name
        lib = _gpu_lib_loaded()
        if lib:
            return None, "importing %s loaded %s, so CUDA may be initialised" % (name, os.path.basename(lib))
    torch = sys.modules.get("torch")
    if torch is not None and getattr(torch, "cuda", None) is not None and torch.cuda.is_initialized():
        return None, "CUDA was initialised while importing"
    return imported, None


def _show_environ(env, before):
    """Writes the variables that differ from the parent's into the room at the end of the
    process's original environment block; the parent's strings before it stay untouched."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        start, end = int(fields[47]), int(fields[48])  # env_start, env_end (fields 50, 51)
        with open("/proc/self/environ", "rb") as f:
            block = f.read()
        at = block.rfind(b"\0" + _ROOM + b"=")
        if at < 0:
            return
        at += len(_ROOM) + 2
        data = b"".join(
            b"\0" + os.fsencode(k) + b"=" + os.fsencode(v) for k, v in env.items() if before.get(k) != v
        )
        room = (end - start) - at - 1
        if len(data) <= room:
            ctypes.memmove(start + at, data + b"\0" * (room - len(data)), room)
    except (OSError, ValueError, IndexError):
        pass  # Only what others see in /proc changes; the worker's own environment is set.


def _apply_child(job, saved_out, saved_err):
    """In the forked worker: become the process `python train.py` would have started."""
    libc = ctypes.CDLL(None, use_errno=True)
    parent = job["parent_pid"]
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    os.setsid()
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.close(_ctl_in)
    os.close(_ctl_out)
    for fd in job["close_fds"]:
        os.close(fd)
    before = dict(os.environ)
    os.environ.clear()
    os.environ.update(job["env"])
    _show_environ(job["env"], before)
    os.chdir(job["cwd"])
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    for fd, stream in ((1, "stdout"), (2, "stderr")):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(job["stdio"])
        sock.sendall(("%s %s\n" % (job["nonce"], stream)).encode())
        os.dup2(sock.fileno(), fd)
        sock.close()
    sys.stdin = open(0, "r", closefd=False)
    # What the imports printed belongs to every worker's log, as it would in a cold start.
    if saved_out:
        os.write(1, saved_out)
    if saved_err:
        os.write(2, saved_err)
    # numpy seeds its global generator from the OS at import; a fork would share it.
    np_random = sys.modules.get("numpy.random")
    if np_random is not None:
        np_random.seed()


def _run_child(job):
    argv = job["argv"]
    sys.argv = list(argv)
    if job.get("module"):
        import runpy

        sys.path[0] = os.getcwd()
        sys.argv[0] = "-m"
        runpy._run_module_as_main(job["module"], alter_argv=True)
        return
    path = argv[0]
    main = type(sys)("__main__")
    main.__file__ = os.path.abspath(path)
    main.__cached__ = None
    main.__builtins__ = __builtins__
    from importlib.machinery import SourceFileLoader

    main.__loader__ = SourceFileLoader("__main__", path)
    sys.modules["__main__"] = main
    with open(path, "rb") as f:
        code = compile(f.read(), main.__file__, "exec")
    exec(code, main.__dict__)


def _user_traceback(tb):
    """The traceback from the script's first frame on, as `python train.py` would print it."""
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return tb


def _child_main(job, saved_out, saved_err):
    _apply_child(job, saved_out, saved_err)
    try:
        _run_child(job)
    except SystemExit:
        raise
    except KeyboardInterrupt as err:
        sys.excepthook(type(err), err, _user_traceback(err.__traceback__))
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException as err:  # noqa: B902 - as the interpreter: print it, exit 1
        sys.excepthook(type(err), err, _user_traceback(err.__traceback__))
        sys.exit(1)
    sys.exit(0)


def _capture_imports(request):
    """Runs the imports with fd 1 and 2 going to a file, so their output can be replayed."""
    outputs = []
    saved = [os.dup(1), os.dup(2)]
    files = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
    try:
        os.dup2(files[0].fileno(), 1)
        os.dup2(files[1].fileno(), 2)
        result = _warm(request)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
    for f in files:
        f.seek(0)
        outputs.append(f.read())
        f.close()
    return result, outputs


def _serve(saved_out, saved_err):
    """The fork loop; returns the job in the child, None when the driver hangs up."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children = {}
    buffered = b""
    while True:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            job_id = children.pop(pid, None)
            if job_id is None:
                continue
            if os.WIFSIGNALED(status):
                sig = signal.Signals(os.WTERMSIG(status)).name
                _send({"exit": job_id, "code": None, "signal": sig})
            else:
                _send({"exit": job_id, "code": os.WEXITSTATUS(status), "signal": None})
        ready, _, _ = select.select([_ctl_in, wake_r], [], [])
        if wake_r in ready:
            os.read(wake_r, 512)
        if _ctl_in not in ready:
            continue
        chunk = os.read(_ctl_in, 65536)
        if not chunk:
            return None
        buffered += chunk
        while b"\n" in buffered:
            line, buffered = buffered.split(b"\n", 1)
            job = json.loads(line)
            job["parent_pid"] = os.getpid()
            job["close_fds"] = [wake_r, wake_w]
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                return job
            children[pid] = job["fork"]
            _send({"forked": job["fork"], "pid": pid})


def main():
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    first = b""
    while not first.endswith(b"\n"):
        chunk = os.read(_ctl_in, 65536)
        if not chunk:
            return
        first += chunk
    request = json.loads(first)
    try:
        (imported, refused), (saved_out, saved_err) = _capture_imports(request)
    except BaseException as err:  # noqa: B902 - any failure means: start cold
        imported, refused, saved_out, saved_err = None, "%s: %s" % (type(err).__name__, err), b"", b""
    if refused:
        _send({"refused": refused})
        return
    _send({"ready": imported})
    job = _serve(saved_out, saved_err)
    if job is not None:
        _child_main(job, saved_out, saved_err)


if __name__ == "__main__":
    main()
