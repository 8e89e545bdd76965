"""Page-load benchmark: how fast Stride serves its home page, next to nginx serving the same bytes.

What is measured
    ``GET /`` on the demo clinic, rendered by Django under gunicorn (``stride.wsgi``), loaded
    with ``wrk`` for a fixed time: requests per second, median (p50) and 99th-percentile (p99)
    latency, and the count of error responses.

Why nginx is the baseline
    The same HTML, saved once from Stride, is then served as a static file by nginx and loaded
    with the same ``wrk`` settings. That is the ceiling for serving those bytes over HTTP on this
    machine: no Python, no template, no database. Both are measured in the same run, one after
    the other, so the machine's speed and noise largely cancel out in the ratio. Absolute figures
    differ from one machine to the next; the ratio is the number to compare over time.

Everything runs on 127.0.0.1, from a temporary directory that is removed at the end (also on
Ctrl-C or an error): the demo database, the collected static files, nginx's configuration, pid,
log and temporary paths. Nothing in the project tree is written.

Run it with ``uv run python bench/page_load.py [--duration SECONDS] [--connections N]``;
see ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

PROJECT_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLOCK = "2026-06-01T09:00:00+01:00"
NGINX = "/usr/sbin/nginx"
WRK = "/usr/bin/wrk"
SETTINGS_MODULE = "stride_bench_settings"
WARM_UP_SECONDS = 1
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
MAX_DURATION_SECONDS = 600

# STATIC_ROOT is fixed to <project>/staticfiles in stride.settings; this thin wrapper moves it
# into the temporary directory so collectstatic does not write into the project tree.
SETTINGS_SHIM = """\
from pathlib import Path

from stride.settings import *  # noqa: F403

STATIC_ROOT = Path({static_root!r})
"""

NGINX_CONF = """\
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-client-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    types {{
        text/html html;
    }}
    default_type text/html;
    charset utf-8;
    sendfile on;
    tcp_nopush on;

    server {{
        listen {host}:{port};
        root {root};
        index index.html;
    }}
}}
"""


class BenchError(Exception):
    """A step failed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Options:
    duration: int
    connections: int
    threads: int
    workers: int


@dataclass(frozen=True)
class WrkResult:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors


# Setup -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description="Load Stride's home page and nginx serving the same HTML; compare them."
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per server (default 10)"
    )
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn workers, and nginx worker processes to match (default 2)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= MAX_DURATION_SECONDS:
        parser.error(f"--duration must be between 1 and {MAX_DURATION_SECONDS} seconds")
    if args.threads < 1 or args.workers < 1:
        parser.error("--threads and --workers must be at least 1")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    return Options(args.duration, args.connections, args.threads, args.workers)


def require_tool(path: str, package: str) -> None:
    if not os.access(path, os.X_OK):
        print(
            f"{path} was not found. Install it with:  apt-get install {package}",
            file=sys.stderr,
        )
        sys.exit(2)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def stride_env(tmp: Path) -> dict[str, str]:
    """The environment for Stride's commands and gunicorn: demo mode, data in ``tmp``."""
    env = dict(os.environ)
    pythonpath = [str(tmp / "settings"), str(PROJECT_DIR)]
    if env.get("PYTHONPATH"):
        pythonpath.append(env["PYTHONPATH"])
    env.update(
        STRIDE_ENV="demo",
        STRIDE_DATA_DIR=str(tmp / "data"),
        STRIDE_CLOCK=CLOCK,
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        PYTHONPATH=os.pathsep.join(pythonpath),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def write_settings_shim(tmp: Path) -> None:
    folder = tmp / "settings"
    folder.mkdir()
    shim = SETTINGS_SHIM.format(static_root=str(tmp / "static"))
    (folder / f"{SETTINGS_MODULE}.py").write_text(shim)


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
    print("Preparing the demo database and static files...", flush=True)
    manage(env, "migrate", "-v0")
    manage(env, "demo_load")
    manage(env, "collectstatic", "--noinput", "-v0")


# Servers -----------------------------------------------------------------------------------


@contextmanager
def server(
    command: list[str], env: Mapping[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in its own process group; always stop the whole group on exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
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


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """GET ``url`` directly (never through a proxy); return status and body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            status: int = response.status
            return status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_ok(url: str, process: subprocess.Popen[bytes], log: Path, name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{name} exited with code {process.returncode}:\n{tail(log)}")
        try:
            status, _ = http_get(url, timeout=1.0)
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.1)
    raise BenchError(
        f"{name} did not answer 200 at {url} within {START_TIMEOUT_SECONDS:.0f}s:\n{tail(log)}"
    )


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def gunicorn_command(port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "stride.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
    ]


def write_nginx_site(tmp: Path, html: bytes, port: int, workers: int) -> Path:
    """Write ``index.html`` and a self-contained nginx config; return the config's path."""
    root = tmp / "www"
    root.mkdir()
    (root / "index.html").write_bytes(html)
    # nginx's workers drop to "nobody" when it runs as root: let them reach the page.
    tmp.chmod(0o711)
    root.chmod(0o755)
    (root / "index.html").chmod(0o644)
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, tmp=tmp, host=HOST, port=port, root=root))
    return conf


def nginx_command(tmp: Path, conf: Path) -> list[str]:
    return [NGINX, "-p", f"{tmp}/", "-c", str(conf), "-e", str(tmp / "nginx-error.log")]


# Load --------------------------------------------------------------------------------------

TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def run_wrk(url: str, options: Options, seconds: int) -> str:
    command = [
        WRK,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{seconds}s",
        "--latency",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"wrk failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def to_ms(value: str, unit: str) -> float:
    return float(value) * TIME_UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Pick requests/s, p50, p99 and error counts out of ``wrk --latency`` output."""

    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise BenchError(f"could not find {pattern!r} in wrk's output:\n{output}")
        return match

    percentile = r"^\s*{}%\s+([\d.]+)(us|ms|s|m|h)\s*$"
    p50 = find(percentile.format(50))
    p99 = find(percentile.format(99))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests=int(find(r"^\s*(\d+) requests in ").group(1)),
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=to_ms(*p50.groups()),
        p99_ms=to_ms(*p99.groups()),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def load(name: str, url: str, options: Options) -> WrkResult:
    print(f"Loading {name}: {WARM_UP_SECONDS}s warm-up, then {options.duration}s...", flush=True)
    run_wrk(url, options, WARM_UP_SECONDS)
    return parse_wrk(run_wrk(url, options, options.duration))


# Report ------------------------------------------------------------------------------------


def report(results: dict[str, WrkResult], html_bytes: int, options: Options) -> str:
    header = f"{'server':<30} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} "
    header += f"{'non-2xx/3xx':>12} {'socket errors':>14}"
    lines = [
        "",
        f"GET / on the demo clinic: {html_bytes} bytes of HTML",
        f"wrk: {options.threads} threads, {options.connections} connections, "
        f"{options.duration}s per server after a {WARM_UP_SECONDS}s warm-up "
        f"({os.cpu_count()} CPUs)",
        "",
        header,
        "-" * len(header),
    ]
    for name, r in results.items():
        lines.append(
            f"{name:<30} {r.requests_per_second:>11.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{r.non_2xx_3xx:>12} {r.socket_errors:>14}"
        )
    stride, nginx = results.values()
    lines += [
        "",
        f"stride serves {stride.requests_per_second / nginx.requests_per_second:.3g}x "
        "nginx's requests/s",
        f"stride's p99 latency is {stride.p99_ms / nginx.p99_ms:.3g}x nginx's",
    ]
    return "\n".join(lines)


def problems(results: dict[str, WrkResult]) -> list[str]:
    return [
        f"{name}: {r.non_2xx_3xx} error responses and {r.socket_errors} socket errors "
        f"out of {r.requests} requests"
        for name, r in results.items()
        if r.errors
    ]


# Main --------------------------------------------------------------------------------------


def benchmark(tmp: Path, options: Options) -> int:
    write_settings_shim(tmp)
    env = stride_env(tmp)
    prepare_demo(env)

    stride_name = f"stride (gunicorn, {options.workers} workers)"
    gunicorn_port = free_port()
    stride_url = f"http://{HOST}:{gunicorn_port}/"
    gunicorn_log = tmp / "gunicorn.log"
    with server(gunicorn_command(gunicorn_port, options.workers), env, gunicorn_log) as gunicorn:
        wait_until_ok(f"{stride_url}healthz", gunicorn, gunicorn_log, "gunicorn")
        status, html = http_get(stride_url)
        if status != 200:
            raise BenchError(f"stride answered {status} for GET /:\n{tail(gunicorn_log)}")

        nginx_port = free_port()
        nginx_url = f"http://{HOST}:{nginx_port}/"
        conf = write_nginx_site(tmp, html, nginx_port, options.workers)
        nginx_log = tmp / "nginx.log"
        with server(nginx_command(tmp, conf), {}, nginx_log) as nginx:
            wait_until_ok(nginx_url, nginx, nginx_log, "nginx")
            if http_get(nginx_url)[1] != html:
                raise BenchError("nginx does not serve the same bytes as stride")
            results = {
                stride_name: load(stride_name, stride_url, options),
                "nginx static file": load("nginx static file", nginx_url, options),
            }

    print(report(results, len(html), options))
    failures = problems(results)
    if failures:
        print("\nFAILED: the figures are not valid.", file=sys.stderr)
        for failure in failures:
            print(f"- {failure}", file=sys.stderr)
        if results[stride_name].errors:
            print(f"\nLast lines of gunicorn's log:\n{tail(gunicorn_log)}", file=sys.stderr)
        return 1
    return 0


def raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    require_tool(WRK, "wrk")
    require_tool(NGINX, "nginx-light")
    # Ctrl-C and SIGTERM must reach the finally below, even if SIGINT was ignored on entry.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    tmp = Path(tempfile.mkdtemp(prefix="stride-bench-"))
    try:
        return benchmark(tmp, options)
    except BenchError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
