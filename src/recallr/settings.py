"""The one ``Settings`` object: every knob Recallr reads, from arguments or ``RECALLR_*`` variables.

Nothing else in Recallr reads ``os.environ``; a ``Settings`` is built once at the edge
(CLI, ``RecallrAI.embedded``) and passed down explicitly.

Example::

    settings = Settings(data_dir="./data", lease_seconds=60)
    settings.sqlite_path   # PosixPath('data/recallr.db')
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Recallr's configuration. Every field can be set as ``RECALLR_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="RECALLR_", extra="ignore")

    data_dir: Path = Field(Path("recallr-data"), description="Directory holding the SQLite database and local state.")
    database_url: str | None = Field(
        None,
        description="Database to use. Unset means SQLite in data_dir; postgresql://... selects PostgreSQL.",
    )
    host: str = Field("127.0.0.1", description="Address `recallr serve` binds to.")
    port: int = Field(8000, ge=0, le=65535, description="Port `recallr serve` listens on.")
    workers: int = Field(1, ge=1, le=64, description="Number of uvicorn worker processes for `recallr serve`.")
    keep_alive_seconds: int = Field(
        75, ge=1, description="How long `recallr serve` keeps an idle client connection open. Longer than clients' own "
        "idle limit (httpx, which both SDKs use: 5 s), so that a client never sends a request on a connection the "
        "server is closing at that moment (a read error on the client)."
    )
    run_worker: bool = Field(
        True, description="Run the session-processing worker inside the server or embedded client."
    )
    worker_poll_seconds: float = Field(0.5, gt=0, description="How often an idle worker looks for work.")
    worker_concurrency: int = Field(
        2, ge=1, le=64, description="Sessions one worker process handles at once (two keep two cores busy: while "
        "one session embeds, the other runs its Python steps)."
    )
    lease_seconds: float = Field(
        120.0, gt=0, description="How long a claim lasts unless renewed (its worker renews it every third of this); "
        "a crashed worker's session is retried after it."
    )
    max_attempts: int = Field(
        3, ge=1, le=20, description="Processing attempts ending in an error before a session becomes `failed` "
        "(database outages, clean stops and vanished workers do not count)."
    )
    max_crashes: int = Field(
        10, ge=1, le=1000, description="Attempts a session (or merge-conflict resolution) may lose to its worker "
        "vanishing mid-way (killed, out of memory, restarted without a clean stop: its lease ran out with no outcome "
        "recorded) before it becomes `failed`. Counted apart from max_attempts, so restarts never fail a healthy "
        "session; the bound stops a session that kills its worker every time from being retried forever."
    )
    min_auto_process_seconds: int = Field(
        600, ge=0, description="Smallest accepted `auto_process_after_seconds` (documented minimum 600)."
    )
    ann_min_memories: int = Field(
        20_000, ge=0, description="PostgreSQL: a user with at least this many current memories (or indexed messages) "
        "gets an HNSW index of their own, built by the worker, and recall reads only each query's candidates from it "
        "instead of loading all their vectors into every process (0: never; see docs/postgres.md)."
    )
    ann_ef_search: int = Field(
        200, ge=10, le=1000, description="PostgreSQL: least HNSW search breadth (`hnsw.ef_search`) for users with an "
        "index; twice the strategy's candidate pool is used when larger."
    )
    embedder: str = Field("minilm", description="Embedding model: `minilm` (all-MiniLM-L6-v2, int8 ONNX).")
    embedding_threads: int = Field(
        1, ge=0, description="onnxruntime intra-op threads per embedding call. 1 is fastest when requests and worker "
        "threads embed in parallel (measured on 2 cores); 0 lets onnxruntime use every core for each call."
    )
    max_user_id_length: int = Field(255, ge=1, description="Longest accepted user id, in characters.")
    max_metadata_bytes: int = Field(16384, ge=2, description="Largest accepted metadata object, as compact JSON bytes.")
    max_message_chars: int = Field(100_000, ge=1, description="Longest accepted message content, in characters.")
    console: bool = Field(
        True, description="Serve the web console at `/console` (`recallr serve --no-console` turns it off)."
    )
    console_session_hours: float = Field(
        12.0, gt=0, le=24 * 30, description="How long a console sign-in lasts before the API key is asked again."
    )
    max_metadata_depth: int = Field(
        32, ge=1, le=200, description="Deepest accepted nesting of objects and arrays in metadata and metadata "
        "filters (the metadata object itself is level 1)."
    )
    max_filter_keys: int = Field(
        64, ge=1, le=1000, description="Most keys (at every level together) in one metadata filter; each becomes a "
        "condition the database checks on every candidate row."
    )
    max_body_bytes: int = Field(
        2 * 1024 * 1024, ge=1024, description="Largest accepted request body, in bytes (413 beyond it, checked from "
        "Content-Length before reading and while reading). The default fits a message at the content limit with "
        "every character JSON-escaped."
    )
    body_timeout_seconds: float = Field(
        30.0, gt=0, description="Longest time a client may take to send a request body (408 and the connection "
        "closed beyond it), so slow senders cannot hold connections and memory."
    )
    log_level: str = Field("info", description="Log level: debug, info, warning or error.")
    log_format: Literal["text", "json"] = Field(
        "text", description="`text`: readable lines. `json`: one JSON object per line (time, level, logger, message; "
        "for each request its id, project id, method, route template, status and duration), for log collectors."
    )
    metrics: bool = Field(
        False, description="Serve Prometheus metrics at `/metrics` (needs the `metrics` extra: prometheus-client). "
        "Not behind the API key: anyone who reaches it sees request rates and queue sizes, so prefer "
        "`RECALLR_METRICS_PORT` on a private address."
    )
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="Serve `/metrics` on this separate port (bound to `RECALLR_METRICS_HOST`) "
        "instead of the API's port, which then answers 404 there. The recommended setup; also how a `recallr worker` "
        "process exposes its metrics."
    )
    metrics_host: str = Field(
        "127.0.0.1", description="Address the separate metrics port binds to (`0.0.0.0` for a scraper on another host)."
    )
    metrics_multiprocess_dir: Path | None = Field(
        None, description="Directory where processes on one host pool their metrics (prometheus-client's "
        "multiprocess mode). `recallr serve --workers N` (N > 1) uses a fresh one of its own when unset; set it to "
        "the same empty directory for `recallr serve` and local `recallr worker` processes to count them together."
    )
    secret_key: SecretStr | None = Field(
        None, description="Server secret that encrypts the API keys projects store for their own LLM endpoints (any "
        "long random string). Unset: a random secret kept in `<data_dir>/secret.key` (created 0600). Replicas sharing "
        "a PostgreSQL database but not a data directory must set it, to the same value on every replica."
    )

    # -- MCP (`recallr mcp`, and `/mcp` on `recallr serve`) -------------------------------------------------------
    mcp_user_id: str = Field(
        "default", min_length=1, max_length=255, description="MCP: the user whose memories tools use when a call "
        "names none (`recallr mcp --user-id`; over HTTP an `X-Recallr-User-Id` header overrides it); created on "
        "first use."
    )
    mcp_wait_seconds: float = Field(
        30.0, gt=0, le=600, description="MCP: how long `add_memory` and `resolve_merge_conflict` wait for the "
        "worker to finish before answering that the work is still in progress."
    )

    # -- LLM mode (docs/llm.md): unset llm_model means the offline pipeline ------------------------------------
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint (`http://127.0.0.1:11434/v1` for Ollama); unset means OpenAI."
    )
    llm_api_key: SecretStr | None = Field(None, description="API key sent to the LLM endpoint (local servers: any).")
    llm_model: str | None = Field(
        None, description="Chat model used for memory formation and query planning; unset means offline mode."
    )
    llm_embedding_model: str | None = Field(
        None, description="Embedding model served by the same endpoint; unset keeps local MiniLM embeddings."
    )
    llm_embedding_dimensions: int | None = Field(
        None, ge=1, description="`dimensions` asked of the embedding model (PostgreSQL's pgvector column needs 384)."
    )
    llm_timeout_seconds: float = Field(
        60.0, gt=0, description="Timeout of one LLM request during processing (a timed-out request is not sent again "
        "while the server may still be computing it)."
    )
    llm_recall_timeout_seconds: float = Field(
        10.0, gt=0, description="Timeout of the query-planning request of agentic, deep and auto recall."
    )
    llm_max_retries: int = Field(
        3, ge=0, le=10, description="Retries of an LLM request after 429, 5xx, timeouts (honouring Retry-After)."
    )
    llm_max_concurrency: int = Field(4, ge=1, le=256, description="LLM requests in flight at once, per process.")
    llm_endpoint_concurrency: int | None = Field(
        None, ge=1, le=256, description="LLM requests in flight at once to one endpoint, per process: what the server "
        "serves in parallel. Unset: 1 for a local server (loopback, private address, `localhost` or a one-word host "
        "such as a Compose service), else `RECALLR_LLM_MAX_CONCURRENCY`."
    )
    llm_queue_wait_seconds: float = Field(
        30.0, gt=0, description="How long a request waits for a free slot of its endpoint; after that (a backlog, or "
        "a timed-out request the server is still computing) the step and the rest of the session run offline."
    )
    llm_session_budget_seconds: float = Field(
        120.0, gt=0, description="LLM time budget of one session's processing (requests, retries and waits): once "
        "spent, its remaining steps run offline and the session is processed."
    )
    llm_context_window: int = Field(
        8192, ge=1024, description="The model's context window in tokens; sessions are batched to fit it."
    )
    llm_max_output_tokens: int = Field(
        2048, ge=256, description="Largest answer asked of the model, in tokens; each request asks for what its task "
        "can need (extraction: 48 a message plus 256), up to this."
    )
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of every LLM request.")
    llm_structured_output: Literal["auto", "json_schema", "json_object", "text"] = Field(
        "auto", description="Answer format: `auto` tries JSON schema, then JSON mode, then plain text, stepping "
        "down once per endpoint and model when a format is refused or twice in a row not obeyed (cut-off or looping "
        "answers)."
    )
    llm_prompt_style: Literal["auto", "full", "compact"] = Field(
        "auto", description="Extraction prompt: `full` (every field, dates and slots from the model), `compact` (short "
        "instructions and answers: statements, categories and sources; dates read by the offline rules) for small or "
        "slow models; `auto`: compact once the endpoint's learned speed says a full request would take more than a "
        "third of `RECALLR_LLM_TIMEOUT_SECONDS`, else full."
    )
    llm_fallback: Literal["offline", "fail"] = Field(
        "offline", description="When an LLM step fails: run its offline stage, or fail the session (retriable)."
    )
    llm_project_endpoints: bool = Field(
        False, description="Let projects set their own LLM endpoint (`base_url`, which then needs the project's own "
        "`api_key`: the server's key is only ever sent to the server's endpoint). Off: projects use the server's."
    )
    llm_project_endpoint_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated hosts project endpoints may use (`host`, `host:port`, or "
        "`.example.com` for its subdomains); empty allows any host once `RECALLR_LLM_PROJECT_ENDPOINTS` is on."
    )
    llm_project_models: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated models projects may choose on the server's endpoint, "
        "besides `RECALLR_LLM_MODEL`; any other model needs the project's own endpoint and key."
    )

    @field_validator("llm_project_endpoint_hosts", "llm_project_models", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @property
    def sqlite_path(self) -> Path:
        """The SQLite database file used when ``database_url`` is unset."""
        return self.data_dir / "recallr.db"

    @property
    def resolved_database_url(self) -> str:
        """``database_url``, or the ``sqlite:///`` URL of the data directory's database."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"
