"""Page-load benchmark: Stride's pages, alone and behind its nginx proxy cache, next to nginx.

What is measured
    For each page (by default the home page ``/`` and the article
    ``/conditions/posterior-ankle-impingement/``), three targets are loaded with ``wrk``
    (64 connections, ``Accept-Encoding: gzip``), one after the other in the same run:

    1. **nginx static**: the page's HTML, saved once from Stride and compressed with gzip -9,
       served by nginx as a file with ``gzip_static on``. The baseline: the ceiling for
       serving those bytes over HTTP on this machine, with no Python, template or database.
    2. **stride alone**: Stride under granian, its page cache serving
       the page already compressed.
    3. **stride behind nginx proxy cache**: nginx in front of that same server, configured
       with ``deploy/nginx/stride-proxy.conf`` (included as it is) and the http-context part
       of ``deploy/nginx/stride.conf`` (its cache path and upstream port replaced), without
       TLS: exactly the caching and proxying that Stride ships.

    It prints requests per second, median (p50) and 99th-percentile (p99) latency and error
    counts, then checks the product requirement: Stride alone at least 15% of nginx static's
    requests/s with p99 under 25 ms; behind the proxy cache at least 70% of nginx static.

Production-like, with one exception
    Stride runs with ``STRIDE_ENV=demo``: the demo clinic in SQLite, the clock pinned, no
    HTTPS redirect. Everything on the measured path is as in production: DEBUG off, the page
    cache on, the same middleware, whitenoise's compressed static files, the same WSGI
    server flags as ``deploy/systemd/stride.service``. Stride's configuration variables
    inherited from the shell (``DATABASE_URL``, ``GRANIAN_*``...) are dropped so the run
    never touches a real database.

Everything runs on 127.0.0.1 from a temporary directory that is removed at the end (also on
Ctrl-C or an error): the demo database, the collected static files, nginx's configuration,
cache, pid, log and temporary paths. Nothing in the project tree is written.

Run it with ``uv run python bench/page_load.py [--duration SECONDS]
[--path /some/page/] [--check]``; see ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for bench/common.py
from common import (
    HOST,
    PROJECT_DIR,
    BenchError,
    demo_env,
    free_port,
    granian_command,
    prepare_demo,
    require_tool,
    run_in_temp_dir,
    server,
    tail,
    wait_until_ok,
)

NGINX = "/usr/sbin/nginx"
WRK = "/usr/bin/wrk"
WARM_UP_SECONDS = 1
MAX_DURATION_SECONDS = 600
ACCEPT_ENCODING = "gzip"
DEFAULT_PATHS = ("/", "/conditions/posterior-ankle-impingement/")

# The product requirement, measured per page.
MIN_ALONE_SHARE = 0.15
MAX_ALONE_P99_MS = 25.0
MIN_PROXY_SHARE = 0.70

# The shipped nginx configuration, and what the benchmark replaces in it.
DEPLOY_NGINX = PROJECT_DIR / "deploy" / "nginx"
SITE_TEMPLATE = DEPLOY_NGINX / "stride.conf"
PROXY_SNIPPET = DEPLOY_NGINX / "stride-proxy.conf"
SHARED_BEGIN = "# BEGIN stride shared http context"
SHARED_END = "# END stride shared http context"
TEMPLATE_CACHE_PATH = "/var/cache/nginx/stride"
TEMPLATE_UPSTREAM = "server 127.0.0.1:8000;"
CACHE_STATUS_HEADER = "x-stride-proxy-cache"

# Stride's configuration (README, "Configuration") and the WSGI server's own environment
# variables: none is inherited from the caller's shell.
INHERITED_CONFIG = re.compile(
    r"^(STRIDE_.*|SECRET_KEY|DEBUG|ALLOWED_HOSTS|SITE_URL|DATABASE_URL|SQLITE_.*|CACHE_URL"
    r"|MEDIA_ROOT|SERVE_MEDIA|STATIC_ROOT|EMAIL_.*|DEFAULT_FROM_EMAIL|SERVER_EMAIL|ADMINS"
    r"|SECURE_.*|BEHIND_PROXY|LOG_LEVEL|PUBLIC_PAGE_MAX_AGE|PAGE_CACHE.*"
    r"|LOG_FORMAT|TASK_WORKER|DJANGO_SETTINGS_MODULE|GRANIAN_.*)$"
)

NGINX_CONF = """\
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    access_log off;
    server_tokens off;
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

    # From {template} (cache path and upstream port replaced):
{shared}

    # Baseline: each page as a file, and its gzip -9 copy.
    server {{
        listen {host}:{static_port};
        root {root};
        index index.html;
{static_files}
    }}

    # Stride behind nginx, as deploy/nginx/stride.conf has it, without TLS.
    server {{
        listen {host}:{proxy_port};
        client_max_body_size 10m;
        include {snippet};
    }}
}}
"""

GZIP_STATIC = """\
        gzip_static on;"""

# For an nginx built without gzip_static: every request is sent the .gz file as it is.
GZIP_FALLBACK = """\
        location / {
            rewrite ^(.*/)$ $1index.html.gz break;
            rewrite ^(.*[^/])$ $1.gz break;
            add_header Content-Encoding gzip;
        }"""


@dataclass(frozen=True)
class Options:
    duration: int
    connections: int
    threads: int
    workers: int
    server: str
    paths: tuple[str, ...]
    check: bool


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


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True)
class Page:
    path: str
    html: bytes
    gzipped: bytes


@dataclass(frozen=True)
class Target:
    key: str  # "nginx", "alone" or "proxy"
    name: str
    port: int


@dataclass
class PageResult:
    page: Page
    results: dict[str, WrkResult]  # by Target.key
    cache_status: str  # X-Stride-Proxy-Cache on a second request, before loading


# Setup -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description="Load Stride's pages alone, behind its nginx proxy cache, and as static "
        "files served by nginx; compare them with the product requirement."
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per target (default 10)"
    )
    parser.add_argument("--connections", type=int, default=64, help="open connections (default 64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Stride's worker processes, and nginx's to match (default 2)",
    )
    parser.add_argument(
        "--path",
        action="append",
        dest="paths",
        metavar="PATH",
        help="a page to load, e.g. /contact/ (repeatable; default: "
        + " and ".join(DEFAULT_PATHS)
        + ")",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit with code 3 when a requirement is not met (default: only report it)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= MAX_DURATION_SECONDS:
        parser.error(f"--duration must be between 1 and {MAX_DURATION_SECONDS} seconds")
    if args.threads < 1 or args.workers < 1:
        parser.error("--threads and --workers must be at least 1")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    paths = tuple(dict.fromkeys(args.paths or DEFAULT_PATHS))
    for path in paths:
        if not path.startswith("/") or "?" in path or "#" in path or "/../" in f"{path}/":
            parser.error(f"--path {path!r}: give a path such as /contact/, with no query string")
    return Options(
        args.duration, args.connections, args.threads, args.workers, "granian", paths, args.check
    )


def nginx_build() -> str:
    done = subprocess.run([NGINX, "-V"], capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def nginx_version(build: str) -> str:
    match = re.search(r"nginx/(\S+)", build)
    return match.group(1) if match else "?"


def stride_env(tmp: Path) -> dict[str, str]:
    """Stride's environment: demo mode, data in ``tmp``, production's page cache."""
    env = {name: value for name, value in os.environ.items() if not INHERITED_CONFIG.match(name)}
    pythonpath = [str(PROJECT_DIR)]
    if env.get("PYTHONPATH"):
        pythonpath.append(env["PYTHONPATH"])
    return demo_env(
        env,
        tmp,
        PAGE_CACHE="true",
        DJANGO_SETTINGS_MODULE="stride.settings",
        PYTHONPATH=os.pathsep.join(pythonpath),
    )


# Servers -----------------------------------------------------------------------------------


def fetch(port: int, path: str, encoding: str, timeout: float = 5.0) -> Response:
    """GET ``path`` from ``HOST:port`` directly: no proxy, no redirect followed."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Response(response.status, headers, response.read())
    finally:
        connection.close()


def wait_for_page(
    port: int, path: str, process: subprocess.Popen[bytes], log: Path, name: str
) -> None:
    """Wait until GET ``path`` on ``HOST:port`` answers 200 (``fetch``, no redirect followed)."""
    wait_until_ok(
        f"http://{HOST}:{port}{path}",
        process,
        log,
        name,
        status=lambda timeout: fetch(port, path, "identity", timeout=timeout).status,
    )


def stride_command(options: Options, port: int) -> list[str]:
    """The same flags as deploy/systemd/stride.service."""
    return granian_command(port, options.workers, blocking_threads=1)


def stride_description(options: Options) -> str:
    return f"granian {version('granian')}, {options.workers} workers x 1 blocking thread, WSGI"


# Pages and nginx ---------------------------------------------------------------------------


def save_page(port: int, path: str, log: Path) -> Page:
    """Fetch ``path`` from Stride as plain HTML; compress it as gzip -9 does."""
    response = fetch(port, path, "identity")
    if response.status != 200:
        raise BenchError(
            f"stride answered {response.status} for GET {path} (a page to benchmark must "
            f"answer 200, without a redirect):\n{tail(log)}"
        )
    if "content-encoding" in response.headers:
        raise BenchError(f"stride compressed GET {path} although asked for identity")
    return Page(path, response.body, gzip.compress(response.body, 9, mtime=0))


def page_file(root: Path, path: str) -> Path:
    """Where nginx finds ``path`` under ``root``: a directory's index.html, or the file."""
    relative = path.lstrip("/")
    if path.endswith("/"):
        return root / relative / "index.html"
    return root / relative


def write_static_site(root: Path, pages: list[Page]) -> None:
    for page in pages:
        file = page_file(root, page.path)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(page.html)
        file.with_name(file.name + ".gz").write_bytes(page.gzipped)
    # nginx's workers drop to "nobody" when it runs as root: let them reach the pages.
    for folder, _, files in os.walk(root):
        Path(folder).chmod(0o755)
        for name in files:
            (Path(folder) / name).chmod(0o644)


def shared_http_context(cache_path: Path, upstream_port: int) -> str:
    """The http-context part of deploy/nginx/stride.conf, pointed at the benchmark's paths."""
    text = SITE_TEMPLATE.read_text()
    begin, end = text.find(SHARED_BEGIN), text.find(SHARED_END)
    if begin < 0 or end < begin:
        raise BenchError(
            f"{SITE_TEMPLATE} must mark its http-context part with {SHARED_BEGIN!r} and "
            f"{SHARED_END!r}"
        )
    shared = text[begin:end]
    for placeholder in (TEMPLATE_CACHE_PATH, TEMPLATE_UPSTREAM):
        if shared.count(placeholder) != 1:
            raise BenchError(
                f"expected {placeholder!r} once in {SITE_TEMPLATE}'s http-context part, found "
                f"it {shared.count(placeholder)} times: update bench/page_load.py to match"
            )
    shared = shared.replace(TEMPLATE_CACHE_PATH, str(cache_path))
    shared = shared.replace(TEMPLATE_UPSTREAM, f"server {HOST}:{upstream_port};")
    return "\n".join(f"    {line}" if line else "" for line in shared.splitlines())


def write_nginx_conf(
    tmp: Path, pages: list[Page], ports: dict[str, int], workers: int, gzip_static: bool
) -> Path:
    """Write the static pages and one nginx config serving both nginx targets."""
    root = tmp / "www"
    write_static_site(root, pages)
    # The proxy cache directory is made by nginx's master, for its workers.
    tmp.chmod(0o711)
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            workers=workers,
            tmp=tmp,
            host=HOST,
            template=SITE_TEMPLATE.relative_to(PROJECT_DIR),
            shared=shared_http_context(tmp / "nginx-cache", ports["alone"]),
            static_port=ports["nginx"],
            root=root,
            static_files=GZIP_STATIC if gzip_static else GZIP_FALLBACK,
            proxy_port=ports["proxy"],
            snippet=PROXY_SNIPPET,
        )
    )
    return conf


def nginx_command(tmp: Path, conf: Path) -> list[str]:
    return [NGINX, "-p", f"{tmp}/", "-c", str(conf), "-e", str(tmp / "nginx-error.log")]


def check_target(target: Target, page: Page) -> None:
    """The target must answer 200 with the page, gzip-compressed, for Accept-Encoding: gzip."""
    response = fetch(target.port, page.path, ACCEPT_ENCODING)
    if response.status != 200:
        raise BenchError(f"{target.name} answered {response.status} for GET {page.path}")
    encoding = response.headers.get("content-encoding", "none")
    if encoding != "gzip":
        raise BenchError(
            f"{target.name} answered GET {page.path} with Content-Encoding: {encoding}, "
            f"not gzip, for Accept-Encoding: {ACCEPT_ENCODING}"
        )
    try:
        body = gzip.decompress(response.body)
    except (OSError, EOFError) as error:
        raise BenchError(
            f"{target.name} sent a broken gzip body for {page.path}: {error}"
        ) from error
    if body != page.html:
        raise BenchError(f"{target.name} does not serve the same HTML as stride for {page.path}")


# Load --------------------------------------------------------------------------------------

TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def run_wrk(url: str, options: Options, seconds: int) -> str:
    command = [
        WRK,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Accept-Encoding: {ACCEPT_ENCODING}",
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


def load(target: Target, path: str, options: Options) -> WrkResult:
    print(
        f"Loading {path} on {target.name}: {WARM_UP_SECONDS}s warm-up, then {options.duration}s...",
        flush=True,
    )
    url = f"http://{HOST}:{target.port}{path}"
    run_wrk(url, options, WARM_UP_SECONDS)
    return parse_wrk(run_wrk(url, options, options.duration))


# Report ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def requirement_lines(result: PageResult) -> tuple[list[str], bool]:
    """The two requirement lines for one page, and whether both are met."""
    nginx, alone, proxy = (result.results[key] for key in ("nginx", "alone", "proxy"))
    alone_share = alone.requests_per_second / nginx.requests_per_second
    proxy_share = proxy.requests_per_second / nginx.requests_per_second
    alone_ok = alone_share >= MIN_ALONE_SHARE and alone.p99_ms < MAX_ALONE_P99_MS
    proxy_ok = proxy_share >= MIN_PROXY_SHARE
    lines = [
        f"stride alone: {alone_share:.1%} of nginx static req/s "
        f"(requirement >= {MIN_ALONE_SHARE:.0%}), p99 {alone.p99_ms:.2f} ms "
        f"(requirement < {MAX_ALONE_P99_MS:.0f} ms): {verdict(alone_ok)}",
        f"stride behind nginx proxy cache: {proxy_share:.1%} of nginx static "
        f"(requirement >= {MIN_PROXY_SHARE:.0%}): {verdict(proxy_ok)}",
    ]
    return lines, alone_ok and proxy_ok


def report(
    page_results: list[PageResult], targets: list[Target], header: list[str]
) -> tuple[str, bool]:
    """The printed report, and whether every page meets the requirement."""
    columns = f"{'target':<34} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} "
    columns += f"{'non-2xx':>8} {'socket errors':>14}"
    lines = ["", *header]
    all_ok = True
    for result in page_results:
        page = result.page
        lines += [
            "",
            f"GET {page.path}: {len(page.html)} bytes of HTML, {len(page.gzipped)} gzipped "
            f"(proxy cache before loading: {result.cache_status})",
            columns,
            "-" * len(columns),
        ]
        for target in targets:
            r = result.results[target.key]
            lines.append(
                f"{target.name:<34} {r.requests_per_second:>11.1f} {r.p50_ms:>8.2f} "
                f"{r.p99_ms:>8.2f} {r.non_2xx_3xx:>8} {r.socket_errors:>14}"
            )
        requirement, ok = requirement_lines(result)
        lines += ["", *requirement]
        all_ok = all_ok and ok
    lines += [
        "",
        "requirement met on every page: PASS"
        if all_ok
        else "requirement NOT met on every page: FAIL (see the lines above)",
    ]
    return "\n".join(lines), all_ok


def problems(page_results: list[PageResult], targets: list[Target]) -> list[str]:
    return [
        f"{target.name}, GET {result.page.path}: {r.non_2xx_3xx} error responses and "
        f"{r.socket_errors} socket errors out of {r.requests} requests"
        for result in page_results
        for target in targets
        if (r := result.results[target.key]).errors
    ]


# Main --------------------------------------------------------------------------------------


def benchmark(tmp: Path, options: Options, build: str) -> int:
    gzip_static = "--with-http_gzip_static_module" in build
    if not gzip_static:
        print(
            f"warning: {NGINX} was built without gzip_static (ngx_http_gzip_static_module). "
            "For the reference setup install a build that has it (Debian 12: apt-get install "
            "nginx, which nginx-light, nginx-core and nginx-full all bring; elsewhere "
            "nginx-core or nginx-full). Falling back to sending the .gz files with "
            "add_header Content-Encoding gzip.",
            file=sys.stderr,
        )
    env = stride_env(tmp)
    prepare_demo(env)

    ports = {"nginx": free_port(), "alone": free_port(), "proxy": free_port()}
    targets = [
        Target("nginx", "nginx static (gzip_static)" if gzip_static else "nginx static (.gz)",
               ports["nginx"]),
        Target("alone", f"stride alone ({options.server})", ports["alone"]),
        Target("proxy", "stride behind nginx proxy cache", ports["proxy"]),
    ]  # fmt: skip
    header = [
        f"stride: {stride_description(options)}; STRIDE_ENV=demo (SQLite, clock pinned), "
        "DEBUG off, page cache on",
        f"nginx {nginx_version(build)}: {options.workers} workers; proxy: "
        f"{PROXY_SNIPPET.relative_to(PROJECT_DIR)} + the http part of "
        f"{SITE_TEMPLATE.relative_to(PROJECT_DIR)}, no TLS",
        f"wrk: {options.threads} threads, {options.connections} connections, "
        f"Accept-Encoding: {ACCEPT_ENCODING}, {options.duration}s per target after a "
        f"{WARM_UP_SECONDS}s warm-up ({os.cpu_count()} CPUs)",
    ]

    stride_log = tmp / f"{options.server}.log"
    nginx_log = tmp / "nginx.log"
    with server(stride_command(options, ports["alone"]), env, stride_log) as stride:
        wait_for_page(ports["alone"], "/healthz", stride, stride_log, options.server)
        pages = [save_page(ports["alone"], path, stride_log) for path in options.paths]
        conf = write_nginx_conf(tmp, pages, ports, options.workers, gzip_static)
        with server(nginx_command(tmp, conf), {}, nginx_log) as nginx:
            wait_for_page(ports["nginx"], pages[0].path, nginx, nginx_log, "nginx")
            page_results = []
            for page in pages:
                for target in targets:
                    check_target(target, page)
                # The first request through the proxy was a miss; the next should be a hit.
                second = fetch(ports["proxy"], page.path, ACCEPT_ENCODING)
                cache_status = second.headers.get(CACHE_STATUS_HEADER, "no cache header")
                results = {target.key: load(target, page.path, options) for target in targets}
                page_results.append(PageResult(page, results, cache_status))

    text, all_ok = report(page_results, targets, header)
    print(text)
    failures = problems(page_results, targets)
    if failures:
        print("\nFAILED: servers returned errors; the figures are not valid.", file=sys.stderr)
        for failure in failures:
            print(f"- {failure}", file=sys.stderr)
        print(f"\nLast lines of {options.server}'s log:\n{tail(stride_log)}", file=sys.stderr)
        nginx_errors = tail(tmp / "nginx-error.log")
        print(f"\nLast lines of nginx's error log:\n{nginx_errors}", file=sys.stderr)
        return 1
    if options.check and not all_ok:
        return 3
    return 0


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    require_tool(WRK, "wrk")
    require_tool(NGINX, "nginx")
    build = nginx_build()
    return run_in_temp_dir("stride-bench-", lambda tmp: benchmark(tmp, options, build))


if __name__ == "__main__":
    sys.exit(main())
