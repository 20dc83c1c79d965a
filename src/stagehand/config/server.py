"""The `[server]` config section: where the show server listens, TLS, and a token for scripts.

Every running show (`run`, `demo`, `replay`) serves its API, events and overlay (docs/server.md).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import BaseModel, SecretStr, field_validator, model_validator

from stagehand.config.section import Section, existing_file

#: The shortest `[server] token` accepted: a host token that anyone who can reach the server may
#: try to guess (`stagehand token create` makes 32 random bytes).
MIN_TOKEN_CHARS = 24
#: Host names a show server always answers to (its addresses, any IP literal, are fine too).
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "127.0.0.1", "::1"})

#: Where a show server listens unless `--listen` or `[server] listen` says otherwise.
DEFAULT_LISTEN = "127.0.0.1:8765"


class ListenAddress(BaseModel):
    """A parsed `HOST:PORT` (`[::1]:8765` for IPv6)."""

    host: str
    port: int

    @property
    def loopback(self) -> bool:
        """Only this machine can connect (127.0.0.0/8, ::1, localhost)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False  # a host name: it may resolve to anything

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_listen(text: str) -> ListenAddress:
    """`HOST:PORT` to an address; ValueError naming what is wrong."""
    text = text.strip()
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise ValueError(f"expected HOST:PORT such as 127.0.0.1:8765, got {text!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"the port must be a number, got {port!r}") from None
    if not 0 <= number <= 65535:
        raise ValueError(f"the port must be between 0 and 65535, got {number}")
    return ListenAddress(host=host, port=number)


class ServerSettings(Section):
    enabled: bool = True
    """Serve the show (API, events, overlay) while it runs."""

    listen: str = DEFAULT_LISTEN
    """HOST:PORT to listen on. Anything but a loopback address (127.0.0.1, ::1) needs TLS below, or
    `insecure_remote`: tokens and chat would cross the network in the clear."""

    token: SecretStr | None = None
    """A host token for scripts (Stream Deck, Companion). Prefer STAGEHAND_SERVER_TOKEN; tokens made
    with `stagehand token create` work as well."""

    public_host: str | None = None
    """The host name browsers and consoles use to reach the show through a reverse proxy (e.g.
    "show.example.org"; no scheme, no path). The server answers only to requests whose Host and
    Origin name it, an IP address, localhost, or the `listen` host: a web page elsewhere cannot
    reach the show by pointing its own name at this machine (DNS rebinding)."""

    tls_cert: Path | None = None
    """A PEM certificate (chain) to serve HTTPS and WSS with; needs `tls_key` (relative: to this config file's folder)."""

    tls_key: Path | None = None
    """The certificate's PEM private key."""

    insecure_remote: bool = False
    """Listen on a non-loopback address without TLS anyway (a trusted LAN only; same as
    `--insecure-remote`)."""

    @field_validator("listen")
    @classmethod
    def _valid_listen(cls, value: str) -> str:
        parse_listen(value)
        return value.strip()

    @field_validator("token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < MIN_TOKEN_CHARS:
            raise ValueError(
                f"must be at least {MIN_TOKEN_CHARS} characters, random (e.g. the output of "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`), or leave it "
                "out and use `stagehand token create`"
            )
        return value

    @field_validator("public_host")
    @classmethod
    def _host_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host = value.strip()
        if not host or any(c in host for c in "/@ ?#") or "://" in host:
            raise ValueError(
                f"expected a host name such as show.example.org (no scheme, no path), got {value!r}"
            )
        return host

    @field_validator("tls_cert", "tls_key")
    @classmethod
    def _pem_file(cls, value: Path | None) -> Path | None:
        return existing_file(value, "a PEM file (a certificate chain, or its private key)")

    @model_validator(mode="after")
    def _tls_pair(self) -> ServerSettings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: set both, or neither")
        return self

    @property
    def address(self) -> ListenAddress:
        return parse_listen(self.listen)

    def answers_to(self, host: str) -> bool:
        """Whether a request naming `host` (a Host header, or an Origin's host; a port is
        ignored) is meant for this server: an IP address (a page's own name is what DNS
        rebinding forges, never an address), a loopback name, the `listen` host or
        `public_host`."""
        name = _host_part(host).lower()
        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            pass
        own = {self.address.host.lower(), *LOOPBACK_NAMES}
        if self.public_host:
            own.add(_host_part(self.public_host).lower())
        return name in own

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None


def _host_part(host: str) -> str:
    """`host` without its port: `[::1]:8765` -> `::1`, `example.org:443` -> `example.org`."""
    host = host.strip()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() and ":" not in name else host
