"""What Stride's benchmarks share: a demo site in a temporary directory, and its servers.

``bench/page_load.py`` and ``bench/lighthouse/run.py`` both prepare the demo clinic (SQLite
database, collected static files) in a temporary directory, run Stride and other servers on
127.0.0.1 in their own process groups, wait for them to answer, and remove everything at the
end, also on Ctrl-C, SIGTERM or an error. Those steps live here.

The scripts are run as files (``uv run python bench/page_load.py``), not as a package: each
puts this folder on ``sys.path`` and imports ``common``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import IO, Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLOCK = "2026-06-01T09:00:00+01:00"
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class BenchError(Exception):
    """A step failed; the message says which and how to fix it."""


# Setup -------------------------------------------------------------------------------------


def require_tool(path: str, package: str) -> None:
    """Exit with code 2, saying which Debian package to install, if ``path`` cannot be run."""
    if not os.access(path, os.X_OK):
        print(
            f"{path} was not found. Install it with:  apt-get install {package}",
            file=sys.stderr,
        )
        sys.exit(2)


def free_port() -> int:
    """A TCP port on ``HOST`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def demo_env(base: Mapping[str, str], tmp: Path, **extra: str) -> dict[str, str]:
    """``base`` plus demo mode: the demo clinic's data and static files in ``tmp``, the clock
    pinned, DEBUG off; then ``extra``."""
    env = dict(base)
    env.update(
        STRIDE_ENV="demo",
        STRIDE_DATA_DIR=str(tmp / "data"),
        STATIC_ROOT=str(tmp / "static"),
        STRIDE_CLOCK=CLOCK,
        DEBUG="false",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def manage(env: Mapping[str, str], *args: str) -> None:
    """Run one of Stride's management commands; fail with its output if it fails."""
    command = [sys.executable, "-m", "stride.manage", *args]
    done = subprocess.run(
        command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(
            f"`stride {' '.join(args)}` failed (exit {done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )


def prepare_demo(env: Mapping[str, str]) -> None:
    """Migrate the demo database, load the demo clinic and collect the static files."""
    print("Preparing the demo database and static files...", flush=True)
    manage(env, "migrate", "-v0")
    manage(env, "demo_load")
    manage(env, "collectstatic", "--noinput", "-v0")


# Servers -----------------------------------------------------------------------------------


def granian_command(port: int, workers: int, blocking_threads: int | None = None) -> list[str]:
    """Stride under granian's WSGI interface on ``HOST:port``, without websockets."""
    threads = [] if blocking_threads is None else ["--blocking-threads", str(blocking_threads)]
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        *threads,
        "--no-ws",
        "stride.wsgi:application",
    ]


def spawn(
    command: list[str], env: Mapping[str, str], cwd: Path, out: IO[Any]
) -> subprocess.Popen[bytes]:
    """Start ``command`` in a process group of its own, its output (both streams) to ``out``."""
    return subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@contextmanager
def server(
    command: list[str], env: Mapping[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in its own process group; always stop the whole group on exit."""
    with log.open("wb") as out:
        process = spawn(command, env, PROJECT_DIR, out)
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop ``process``'s whole group: SIGTERM, then SIGKILL if it is still there."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure nothing else in its group lingers.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


def http_status(url: str, timeout: float = 5.0) -> int:
    """GET ``url`` directly (never through a proxy); return the status code."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            response.read()
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_ok(
    url: str,
    process: subprocess.Popen[bytes],
    log: Path,
    name: str,
    status: Callable[[float], int] | None = None,
) -> None:
    """Wait until ``url`` answers 200, for up to ``START_TIMEOUT_SECONDS``.

    ``status(timeout)`` makes one request and returns its status code; by default
    ``http_status(url, timeout)``. Fails with the end of ``log`` if the server ``name`` exits
    or never answers 200."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{name} exited with code {process.returncode}:\n{tail(log)}")
        try:
            code = status(1.0) if status else http_status(url, timeout=1.0)
        except OSError:
            code = 0
        if code == 200:
            return
        time.sleep(0.1)
    raise BenchError(
        f"{name} did not answer 200 at {url} within {START_TIMEOUT_SECONDS:.0f}s:\n{tail(log)}"
    )


def tail(log: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of ``log``, or ``(no log)`` if it cannot be read."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# Main --------------------------------------------------------------------------------------


def raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into ``SystemExit``, so ``finally`` blocks run and servers are stopped."""
    raise SystemExit(128 + signum)


def run_in_temp_dir(prefix: str, body: Callable[[Path], int]) -> int:
    """Run ``body`` in a new temporary directory and return its exit code; remove the
    directory at the end whatever happens.

    A ``BenchError`` is printed as FAILED (exit code 1), Ctrl-C as Interrupted (130); SIGTERM
    ends the run as ``SystemExit(143)``, after the clean-up."""
    # Ctrl-C and SIGTERM must reach the finally below, even if SIGINT was ignored on entry.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return body(tmp)
    except BenchError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
