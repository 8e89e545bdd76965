"""The shipped nginx config logs no query string: a manage link's ?token= or a search a
patient typed never reaches a log file. Runs Debian's nginx with the shipped log_format."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "stride.conf"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_shipped_access_log_leaves_out_query_strings(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (CI installs it)")
    text = CONF.read_text()
    log_format = text[text.index("log_format stride_private") : text.index("upstream stride_app")]
    assert text.count("access_log /var/log/nginx/access.log stride_private;") == 2  # both servers
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"error_log {tmp_path}/error.log; pid {tmp_path}/nginx.pid; events {{}}\n"
        f"http {{ {log_format}\n server {{ listen 127.0.0.1:{port};"
        f" access_log {tmp_path}/access.log stride_private;"
        ' location / { return 200 "ok"; } } }\n'
    )
    subprocess.run([nginx, "-c", str(conf)], check=True)
    try:
        url = f"http://127.0.0.1:{port}/bookings/manage/?token=SECRET-TOKEN&q=my+heel"
        assert urllib.request.urlopen(url, timeout=5).status == 200
    finally:
        subprocess.run([nginx, "-c", str(conf), "-s", "quit"], check=True)
        time.sleep(0.2)
    logged = (tmp_path / "access.log").read_text()
    assert '"GET /bookings/manage/ HTTP/1.1" 200' in logged
    assert "SECRET-TOKEN" not in logged and "heel" not in logged
