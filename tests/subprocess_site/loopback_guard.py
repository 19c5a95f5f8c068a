"""A guard that lets a Python process reach loopback addresses and nothing else.

The test suite installs it in its own process (tests/conftest.py) and, through `sitecustomize.py` in
this directory on PYTHONPATH, in every Python subprocess a test starts: a stray lookup or connection
to the internet fails loudly with OSError instead of leaking traffic, a token or a login.
Standard library only, since it runs before anything else in a subprocess.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Callable

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
REFUSAL = "only loopback is allowed in tests"
_INTERNET = (socket.AF_INET, socket.AF_INET6)


def is_loopback(host: object) -> bool:
    """True for no host (a local bind), localhost and 127.0.0.0/8 or ::1; False for anything else."""
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host is None or host == "" or host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str, target: object) -> OSError:
    # With an errno, the message is the error's strerror, which is what aiohttp shows.
    return PermissionError(errno.EPERM, f"tests may not {what} {target!r}: {REFUSAL}")


def install() -> Callable[[], None]:
    """Puts the guard on the socket module; returns a function that takes it off again."""
    real = {
        "getaddrinfo": socket.getaddrinfo,
        "gethostbyname": socket.gethostbyname,
        "gethostbyname_ex": socket.gethostbyname_ex,
    }
    real_connect, real_connect_ex, real_sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback(host):
            raise _refuse("resolve", host)
        return real["getaddrinfo"](host, *args, **kwargs)

    def gethostbyname(host):
        if not is_loopback(host):
            raise _refuse("resolve", host)
        return real["gethostbyname"](host)

    def gethostbyname_ex(host):
        if not is_loopback(host):
            raise _refuse("resolve", host)
        return real["gethostbyname_ex"](host)

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in _INTERNET and isinstance(address, tuple) and not is_loopback(address[0]):
            raise _refuse("connect to", address)

    def connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    def sendto(sock, data, *flags_and_address):
        check(sock, flags_and_address[-1])
        return real_sendto(sock, data, *flags_and_address)

    socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex = getaddrinfo, gethostbyname, gethostbyname_ex
    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto

    def uninstall() -> None:
        socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex = (
            real["getaddrinfo"], real["gethostbyname"], real["gethostbyname_ex"])
        socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = real_connect, real_connect_ex, real_sendto

    return uninstall
