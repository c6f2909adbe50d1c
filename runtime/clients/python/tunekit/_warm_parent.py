"""Tunekit's warm parent: imports what a worker script imports once, then forks one fresh
worker per start, so a worker does not pay interpreter start-up and `import torch` (issue 16).

Run by the Trainer driver as `python _warm_parent.py`, never by users. Protocol: JSON lines,
driver -> parent on fd 0, parent -> driver on fd 1. The first driver line says what to warm:
    {"target": "train.py" | null, "module": "pkg.mod" | null, "imports": [...] | null}
The parent answers {"ready": [imported...]} or {"refused": "one sentence"} and exits.
Then {"fork": id, "argv": [...], "env": {...}, "cwd": "...", "stdio": "/sock", "nonce": "..."}
is answered {"forked": id, "pid": n}, and later {"exit": id, "code": c, "signal": s}.
Between forks it may say {"learned": [...], "modules": n, "s": t, "declined": {name: why}} (what
it imported from its workers' lists, _Learner), or {"retired": why}: it forks no more, answers
each fork {"unforked": id, "error": why} and exits once its last worker has.

Rules (README, "Warm start"): the parent never runs user code, never starts a thread and never
initialises CUDA; each worker gets the trial's environment, cwd, argv, sys.path[0], default
signal handlers and stdio on the driver's socket before the script runs as __main__.
"""
import ast
import ctypes
import gc
import importlib.util
import json
import os
import select
import signal
import socket
import sys
import tempfile
import time

# Never warmed: our client reads the worker's environment and connects when imported.
_NEVER = {"tunekit", "__future__", "__main__"}
_GPU_LIBS = ("libcuda.so", "libnvidia-ml.so")
_PR_SET_PDEATHSIG = 1
# The last variable of the parent's environment: room where a worker writes its own, so that
# /proc/<pid>/environ (ps e, debuggers) shows what the worker really has, later values winning.
_ROOM = b"TUNEKIT_WARM_ENV_ROOM"
_LEARN_MAX_BYTES = 64 * 1024
_LEARN_MAX_NAMES = 2000
_PROBE_TIMEOUT_S = 60.0
_PROBES_PER_LIST = 4

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


def _unsafe(name):
    """Why forking after importing `name` is unsafe, or None."""
    if _threads() > 1:
        return "importing %s started a thread, so forking after it is unsafe" % name
    lib = _gpu_lib_loaded()
    if lib:
        return "importing %s loaded %s, so CUDA may be initialised" % (name, os.path.basename(lib))
    torch = sys.modules.get("torch")
    if torch is not None and getattr(torch, "cuda", None) is not None and torch.cuda.is_initialized():
        return "CUDA was initialised while importing %s" % name
    return None


def _roots(request):
    """Where the user's own modules live: the working directory and the script's directory."""
    roots = [os.path.realpath(os.getcwd())]
    if request.get("target"):
        roots.append(os.path.dirname(os.path.realpath(request["target"])))
    return roots


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
        why = _unsafe(name)
        if why:
            return None, why
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
    if job.get("learn_fd") is not None:
        job["env"]["TUNEKIT_WARM_LEARN_FD"] = "%d:%d" % (job["learn_fd"], os.getpid())
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
    before = set(sys.modules)
    status = 0
    try:
        _run_child(job)
    except SystemExit as err:
        status = _exit_status(err)
    except KeyboardInterrupt as err:
        sys.excepthook(type(err), err, _user_traceback(err.__traceback__))
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException as err:  # noqa: B902 - as the interpreter: print it, exit 1
        sys.excepthook(type(err), err, _user_traceback(err.__traceback__))
        status = 1
    # Outside the handlers: the exception, its traceback and the script's frames are gone, so
    # what they held can be finalized.
    _finish(status, before)


def _exit_status(err):
    """The status the interpreter makes of SystemExit: None is 0, an int itself, anything else
    is printed to stderr and is 1."""
    code = err.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write("%s\n" % (code,))
    except BaseException:  # noqa: B902 - as the interpreter: a failing stderr still exits 1
        pass
    return 1


def _finish(status, before):
    """Ends the worker as `python train.py` ends, except for tearing down the modules the warm
    parent imported: with torch and sklearn that teardown alone takes ~0.35 s per worker (the
    whole of a small trial's overhead) and changes nothing a script can see. The interpreter's
    steps that can be seen still happen, in its order: non-daemon threads are waited for, atexit
    handlers run, the globals of __main__ and of the user's own modules are released in the
    interpreter's order (files they left open are flushed and closed), stdout and stderr are
    flushed. As at any shutdown, a __del__ then may or may not find what it needs."""
    try:
        import threading

        threading._shutdown()
    except BaseException:  # noqa: B902 - shutdown goes on whatever a thread did
        pass
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:  # noqa: B902 - as the interpreter: a failing handler was printed
        pass
    # As the interpreter's module teardown: the script's and the user's own modules are wiped,
    # so files they left open are flushed and closed and their objects released; then a
    # collection. The modules the warm parent imported are left as they are.
    roots = _user_roots()
    for name in reversed(list(sys.modules)):
        if name in before and name != "__main__":
            continue
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if name == "__main__" or (origin and any(os.path.realpath(origin).startswith(r + os.sep) for r in roots)):
            _wipe(getattr(module, "__dict__", {}))
    try:
        gc.collect()
    except BaseException:  # noqa: B902 - as at shutdown: a failing __del__ is ignored
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: B902 - as the interpreter: nowhere left to say it
            pass
    os._exit(status)


def _wipe(namespace):
    """CPython's order for a module's globals at shutdown: `_names` first, then the rest, set to
    None (__builtins__ stays); a __del__ that fails meanwhile is ignored, as there."""
    for private_first in (True, False):
        for key in list(namespace):
            if key == "__builtins__" or (private_first and not (key.startswith("_") and not key.startswith("__"))):
                continue
            try:
                namespace[key] = None
            except BaseException:  # noqa: B902
                pass


def _user_roots():
    """Where the user's own modules live: the working directory and the script's directory."""
    roots = [os.path.realpath(os.getcwd())]
    main = sys.modules.get("__main__")
    if getattr(main, "__file__", None):
        roots.append(os.path.dirname(os.path.realpath(main.__file__)))
    return roots


def _capture_imports(call, *args):
    """Runs the imports with fd 1 and 2 going to a file, so their output can be replayed."""
    outputs = []
    saved = [os.dup(1), os.dup(2)]
    files = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
    try:
        os.dup2(files[0].fileno(), 1)
        os.dup2(files[1].fileno(), 2)
        result = call(*args)
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


class _Children:
    """The workers it forked, by pid; their exits go to the driver as soon as it reaps them."""

    def __init__(self):
        self.jobs = {}
        self.others = {}  # pid -> status of a child that is not a worker (a probe)

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job_id = self.jobs.pop(pid, None)
            if job_id is None:
                self.others[pid] = status
            elif os.WIFSIGNALED(status):
                _send({"exit": job_id, "code": None, "signal": signal.Signals(os.WTERMSIG(status)).name})
            else:
                _send({"exit": job_id, "code": os.WEXITSTATUS(status), "signal": None})


def _start_probe(candidates):
    """Forks a throwaway child that imports `candidates` and checks after each what the
    parent's own warming checks; returns (its pid, the read end of its report)."""
    sys.stdout.flush()
    sys.stderr.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 2
        try:
            os.setsid()  # So that the parent can kill anything an import started, with it.
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            signal.set_wakeup_fd(-1)
            os.close(r)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            ok, failed, unsafe = [], {}, {}
            for name in candidates:
                try:
                    __import__(name)
                except BaseException as err:  # noqa: B902 - any failure: never import it
                    failed[name] = "importing it failed (%s: %s)" % (type(err).__name__, err)
                    continue
                why = _unsafe(name)
                if why:
                    unsafe[name] = why
                    break
                ok.append(name)
            code = 1 if unsafe else 0
            data = (json.dumps({"ok": ok, "failed": failed, "unsafe": unsafe}) + "\n").encode()
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


def _probe_verdict(pid, data, candidates, children):
    """Kills and reaps the probe (and whatever its imports started); returns (the names it
    imported safely, in order, {name: why it failed}, {name: why importing it is unsafe})."""
    deadline = time.monotonic() + 1
    while pid not in children.others and time.monotonic() < deadline:
        children.reap()
        time.sleep(0.005)
    for kill in (os.kill, os.killpg):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass
    while pid not in children.others:
        try:
            children.others[pid] = os.waitpid(pid, 0)[1]
        except ChildProcessError:
            children.reap()
    status = children.others.pop(pid)
    try:
        report = json.loads(data)
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) in (0, 1)):
            raise ValueError("the probe exited with status %d" % status)
        return report["ok"], report["failed"], report["unsafe"]
    except (ValueError, KeyError, TypeError) as err:
        why = "the probe that imported it failed (%s)" % err
        return [], {}, {name: why for name in candidates}


class _Learner:
    """Learns the third-party imports that static discovery could not see (a helper that
    extends sys.path, an import inside a function) from the workers themselves (issue 16).

    Each worker forked while learning gets a pipe on which it writes, once, the names in its
    sys.modules (_warm_learn.py). Between forks, the parent takes the new names that are not
    the user's own (_local_file's rule, and found at the same file as in the worker), has a
    probe child import them, and imports those the probe found safe itself. Names that were
    unsafe or failed are never tried again; learning stops once a list brings nothing new.
    """

    def __init__(self, roots, replay, children):
        self.roots = roots
        self.children = children
        self.replay = replay  # [stdout, stderr] of the imports, replayed in each worker
        self.active = True
        self.pipes = {}  # read end -> what its worker wrote so far
        self.lists = []
        self.never = set()
        self.tops = {}  # top-level name -> may the parent import it
        self.probe = None  # the probe child running now, if any
        self.round = None  # what the list being learned brought so far

    def pipe(self):
        """(read end, write end) for the next worker, or None once learning has stopped."""
        if not self.active:
            return None
        r, w = os.pipe()
        self.pipes[r] = b""
        return r, w

    def read(self, fd):
        data = self.pipes[fd] + os.read(fd, 65536)
        if b"\n" in data or len(data) > _LEARN_MAX_BYTES or data == self.pipes[fd]:
            del self.pipes[fd]
            os.close(fd)
            if b"\n" in data:
                self.lists.append(data.split(b"\n", 1)[0])
        else:
            self.pipes[fd] = data

    def _top_ok(self, top, worker_file):
        if top in _NEVER or self.roots is None:
            return False
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return False
        if spec is None or _local_file(top, self.roots)[0]:
            return False
        if spec.origin in ("built-in", "frozen"):
            return True
        # Another sys.path in the worker may find another module of the same name.
        return bool(spec.origin and worker_file) and os.path.realpath(spec.origin) == os.path.realpath(worker_file)

    def _candidates(self, names, files):
        found = []
        for name in names[:_LEARN_MAX_NAMES]:
            if not isinstance(name, str) or name in sys.modules or name in self.never:
                continue
            top = name.partition(".")[0]
            if top not in self.tops:
                self.tops[top] = self._top_ok(top, files.get(top))
            if self.tops[top]:
                found.append(name)
        return found

    def waiting_on(self):
        """The probe's report pipe while a probe runs, and how long select may wait."""
        if self.probe is None:
            return [], (0.0 if self.lists and self.active else None)
        return [self.probe["r"]], max(0.0, self.probe["deadline"] - time.monotonic())

    def step(self, ready):
        """Between forks: reads the probe's report, imports what it found safe, starts the
        next probe. Returns (what to tell the driver or None, why to fork no more or None)."""
        probe = self.probe
        if probe is not None:
            chunk = os.read(probe["r"], 65536) if probe["r"] in ready else None
            if chunk:
                probe["data"] += chunk
            if not (chunk == b"" or probe["data"].endswith(b"\n") or time.monotonic() >= probe["deadline"]):
                return None, None
            os.close(probe["r"])
            self.probe = None
            safe, failed, unsafe = _probe_verdict(probe["pid"], probe["data"], probe["candidates"], self.children)
            self.never.update(failed, unsafe)
            for name in unsafe:
                self.tops[name.partition(".")[0]] = False
            self.round["declined"].update(failed)
            self.round["declined"].update(unsafe)
            (done, retire), outputs = _capture_imports(self._import, safe)
            for i in (0, 1):
                self.replay[i] += outputs[i]
            self.round["learned"].extend(done)
            self.never.update(safe)
            if retire:
                self.active = False
                return None, retire
            left = self._candidates(probe["candidates"], {})
            if left and self.round["probes"] < _PROBES_PER_LIST:
                self._probe(left)
                return None, None
            told, self.round = self.round, None
            told["modules"] = len(sys.modules) - told.pop("before")
            told["s"] = round(time.monotonic() - told.pop("started"), 3)
            told.pop("probes")
            return (told if told["learned"] or told["declined"] else None), None
        while self.lists and self.active:
            try:
                message = json.loads(self.lists.pop(0))
                candidates = self._candidates(list(message["modules"]), dict(message.get("files") or {}))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            if not candidates:
                self.active = False
                break
            self.round = {"learned": [], "declined": {}, "probes": 0, "before": len(sys.modules), "started": time.monotonic()}
            self._probe(candidates)
            break
        return None, None

    def stop(self):
        """Kills a running probe and whatever its imports started."""
        if self.probe is not None:
            for kill in (os.kill, os.killpg):
                try:
                    kill(self.probe["pid"], signal.SIGKILL)
                except OSError:
                    pass

    def _probe(self, candidates):
        pid, r = _start_probe(candidates)
        self.round["probes"] += 1
        self.probe = {"pid": pid, "r": r, "data": b"", "candidates": candidates, "deadline": time.monotonic() + _PROBE_TIMEOUT_S}

    def _import(self, names):
        done = []
        for name in names:
            self.children.reap()
            if name in sys.modules:
                continue
            try:
                __import__(name)
            except BaseException as err:  # noqa: B902 - the probe imported it: something is off
                return done, "importing %s, learned from a worker, failed in the warm parent (%s: %s)" % (name, type(err).__name__, err)
            done.append(name)
            why = _unsafe(name)
            if why:
                return done, why
        return done, None


def _serve(learner):
    """The fork loop; returns the job in the child, None when the driver hangs up."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children = learner.children
    buffered = b""
    retired = None
    while True:
        children.reap()
        if retired is not None and not children.jobs:
            return None  # Its workers are gone: nothing of its own is left to serve.
        probe_fds, timeout = learner.waiting_on()
        ready, _, _ = select.select([_ctl_in, wake_r, *learner.pipes, *probe_fds], [], [], timeout)
        if wake_r in ready:
            os.read(wake_r, 512)
        if retired is None:
            try:
                for fd in ready:
                    if fd in learner.pipes:
                        learner.read(fd)
                told, retired = learner.step(ready)
            except Exception as err:  # noqa: BLE001 - it may have imported half of something: fork no more
                learner.stop()
                told, retired = None, "learning imports from workers failed in the warm parent (%s: %s)" % (type(err).__name__, err)
            if told:
                _send(told)
            if retired is not None:
                learner.active = False
                _send({"retired": retired})
        if _ctl_in not in ready:
            continue
        chunk = os.read(_ctl_in, 65536)
        if not chunk:
            learner.stop()
            return None
        buffered += chunk
        while b"\n" in buffered:
            line, buffered = buffered.split(b"\n", 1)
            job = json.loads(line)
            if retired is not None:
                _send({"unforked": job["fork"], "error": retired})
                continue
            learn = learner.pipe()
            job["parent_pid"] = os.getpid()
            job["close_fds"] = [wake_r, wake_w, *learner.pipes, *learner.waiting_on()[0]]
            job["learn_fd"] = learn and learn[1]
            sys.stdout.flush()
            sys.stderr.flush()
            # What the parent holds is frozen out of the collector: a worker's collections
            # (and its last one, at exit) then walk only its own objects, instead of touching,
            # and so copying, every page of torch's.
            gc.freeze()
            pid = os.fork()
            if pid == 0:
                return job
            if learn:
                os.close(learn[1])
            children.jobs[pid] = job["fork"]
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
        (imported, refused), (saved_out, saved_err) = _capture_imports(_warm, request)
    except BaseException as err:  # noqa: B902 - any failure means: start cold
        imported, refused, saved_out, saved_err = None, "%s: %s" % (type(err).__name__, err), b"", b""
    if refused:
        _send({"refused": refused})
        return
    _send({"ready": imported})
    learner = _Learner(_roots(request), [saved_out, saved_err], _Children())
    job = _serve(learner)
    if job is not None:
        _child_main(job, *learner.replay)


if __name__ == "__main__":
    main()
