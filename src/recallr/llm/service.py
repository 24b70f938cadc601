"""``LLMService``: LLM mode for one engine (one per process), and the hooks the engine plugs in.

It resolves each project's configuration (server settings under the project's overrides, cached for a
couple of seconds), shares endpoints, the per-process concurrency limit, the learnt answer formats and a
thread pool between all work, and hands the engine:

* ``formation_steps(ctx)`` for ``FormMemories`` (offline steps, with the project's rules, when LLM mode
  is off for the project: exactly the offline pipeline);
* ``planner(project_id)`` for recall, ``resolve(conflict)`` for the worker, ``embedder()`` for the engine;
* the project-facing operations behind ``/api/v1/project/llm`` and ``recallr llm`` (project API keys are
  sealed by ``KeyBox`` before they reach the store; projects see whether LLM mode is on, not the server's
  endpoint or model).

Without the ``openai`` package a project's work runs offline (with ``llm_fallback = offline``) instead of
failing, and changing a project's LLM settings says how to install it.

Token usage is counted per session and task and written after each session's model work (and logged);
recall's planning usage is buffered and written with the next write at least ``USAGE_FLUSH_SECONDS`` after
the last, before a usage report, or at shutdown.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from ..embedding import Embedder
from ..engine.formation import FormationSteps, OfflineConsolidator, OfflineExtractor, OfflineSummarizer
from ..engine.processing.pipeline import ProcessingContext
from ..exceptions import ConfigurationError, RecallrAIError, ValidationError
from ..settings import Settings
from ..store import Database
from ..store import llm as store
from ..store import memories as memory_store
from ..store import projects as project_store
from ..store import users as user_store
from ..store.conflicts import ConflictRecord
from ..store.llm import ProjectLLMRecord
from ..store.memories import MemoryRecord
from .config import EffectiveLLM, apply_changes, effective
from .consolidation import LLMConsolidator
from .embedder import EndpointEmbedder
from .extraction import LLMExtractor, LLMSummarizer
from .keybox import KeyBox
from .planner import QueryPlanner
from .provider import Endpoint, is_local, load_openai
from .resolution import Resolution, resolve_with_model, tagged_outcome
from .speed import EndpointSpeeds
from .steps import StepRunner
from .structured import CallOptions, FormatMemory, StructuredCaller, deadline_in
from .usage import Usage, UsageMeter

log = logging.getLogger("recallr.llm")

CONFIG_TTL = 2.0  # seconds a project's configuration is cached (other processes see changes this late)
USAGE_FLUSH_SECONDS = 10.0
PLAN_MAX_TOKENS = 512
# A typical full extraction request (instructions, 20 categories, a batch) and its answer: what ``auto`` prompt
# style checks the endpoint's learned speed against.
FULL_EXTRACTION_PROMPT_TOKENS, FULL_EXTRACTION_ANSWER_TOKENS = 2500, 500
_OFFLINE = FormationSteps(OfflineExtractor(), OfflineConsolidator(), OfflineSummarizer())


class LLMService:
    """LLM mode for one engine. Nothing is imported or connected until a project actually uses a model."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.limiter = threading.BoundedSemaphore(settings.llm_max_concurrency)
        self.formats = FormatMemory()
        self.speeds = EndpointSpeeds()  # learned per endpoint and model, like the formats
        self.embedding_tokens = 0
        self.on_usage: Callable[[dict[str, dict[str, int]]], None] = lambda counts: None  # set by the Engine
        self._endpoints: dict[tuple[str | None, str | None], Endpoint] = {}
        self._configs: dict[str, tuple[float, EffectiveLLM]] = {}
        self._usage: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
        self._usage_since = time.monotonic()
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.keys = KeyBox(settings, shared_database=db.dialect.name != "sqlite")
        self._package_missing: str | bool | None = False  # False: not checked yet; None: installed
        self._warned_missing = False
        self.seal_plaintext_keys()

    # -- configuration ----------------------------------------------------------------------------------------
    def config(self, project_id: str) -> EffectiveLLM:
        """The project's effective configuration (cached for ``CONFIG_TTL`` seconds)."""
        now = time.monotonic()
        with self._lock:
            cached = self._configs.get(project_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        with self.db.read() as tx:
            config = self._effective(store.get_project_llm(tx, project_id))
        with self._lock:
            self._configs[project_id] = (now + CONFIG_TTL, config)
        return config

    def _effective(self, record: ProjectLLMRecord) -> EffectiveLLM:
        """``effective`` with the project's key opened (a key sealed under another secret: the project is refused)."""
        try:
            opened = self.keys.open(record.api_key)
        except ConfigurationError as error:
            log.error("project %s: %s", record.project_id, error.message)
            return effective(self.settings, replace(record, api_key=None), key_unreadable=True)
        return effective(self.settings, replace(record, api_key=opened))

    def package_missing(self) -> str | None:
        """The install hint when the ``openai`` package is missing (checked once), else None."""
        if self._package_missing is False:
            try:
                load_openai()
                self._package_missing = None
            except ConfigurationError as error:
                self._package_missing = error.message
        return self._package_missing if isinstance(self._package_missing, str) else None

    def _runs_model(self, config: EffectiveLLM) -> bool:
        """Whether work for ``config`` goes to the model: LLM mode on, and the package there (else, with the offline
        fallback, the work runs offline rather than failing; with ``fail`` it fails with the install hint)."""
        if not config.enabled:
            return False
        missing = self.package_missing()
        if missing is None or self.settings.llm_fallback == "fail":
            return True
        with self._lock:
            warned, self._warned_missing = self._warned_missing, True
        if not warned:
            log.warning("LLM mode is on but %s; work runs offline until it is installed", missing)
        return False

    def endpoint(self, config: EffectiveLLM) -> Endpoint:
        key = (config.base_url, config.api_key)
        with self._lock:
            if key not in self._endpoints:
                slots = self.settings.llm_endpoint_concurrency or (
                    1 if is_local(config.base_url) else self.settings.llm_max_concurrency)
                self._endpoints[key] = Endpoint(config.base_url, config.api_key, limiter=self.limiter, slots=slots)
            return self._endpoints[key]

    def options(self, *, recall: bool = False) -> CallOptions:
        """Call options of one unit of work, its time budget starting now."""
        s = self.settings
        budget = s.llm_recall_timeout_seconds if recall else s.llm_session_budget_seconds
        return CallOptions(max_tokens=PLAN_MAX_TOKENS if recall else s.llm_max_output_tokens,
                           temperature=s.llm_temperature,
                           timeout=s.llm_recall_timeout_seconds if recall else s.llm_timeout_seconds,
                           max_retries=min(1, s.llm_max_retries) if recall else s.llm_max_retries,
                           structured_output=s.llm_structured_output, deadline=deadline_in(budget),
                           queue_wait=min(s.llm_queue_wait_seconds, budget / 4 if recall else budget))

    def caller(self, config: EffectiveLLM, options: CallOptions) -> StructuredCaller:
        assert config.model is not None
        return StructuredCaller(self.endpoint(config), config.model, formats=self.formats, options=options,
                                endpoint_key=config.endpoint_key, speeds=self.speeds)

    def pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                workers = min(64, max(4, 2 * self.settings.llm_max_concurrency))
                self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="recallr-llm")
            return self._pool

    # -- hooks ------------------------------------------------------------------------------------------------
    def formation_steps(self, ctx: ProcessingContext) -> FormationSteps:
        """The steps for this session: LLM ones when the project runs a model, else the offline ones."""
        config = self.config(ctx.project.id)
        if not self._runs_model(config):
            rules = config.rules.extraction_rules()
            if rules is None:
                return _OFFLINE
            return FormationSteps(OfflineExtractor(rules), OfflineConsolidator(), OfflineSummarizer())
        meter = UsageMeter()
        label = f"session {ctx.session.id}"
        options = self.options()
        caller = self.caller(config, options)
        runner = StepRunner(
            caller=caller, meter=meter, fallback=self.settings.llm_fallback, compact=self._compact(caller),
            deadline=options.deadline, parallel=self.endpoint(config).slot_count,
            pool=self.pool(), context_window=self.settings.llm_context_window,
            max_output_tokens=self.settings.llm_max_output_tokens, label=label,
            flush=lambda: self.record(ctx.project.id, ctx.session.id, meter, immediately=True, label=label),
        )
        extractor = LLMExtractor(runner, config.rules)
        return FormationSteps(extractor, LLMConsolidator(runner, self._current), LLMSummarizer(runner, extractor))

    def _compact(self, caller: StructuredCaller) -> bool:
        """Whether extraction asks in the compact form (``llm_prompt_style``)."""
        style = self.settings.llm_prompt_style
        if style != "auto":
            return style == "compact"
        expected = caller.expected_seconds(FULL_EXTRACTION_PROMPT_TOKENS, FULL_EXTRACTION_ANSWER_TOKENS)
        return expected is not None and expected > self.settings.llm_timeout_seconds / 3

    def _current(self, user_id: str) -> list[MemoryRecord]:
        with self.db.read() as tx:
            return memory_store.current(tx, user_id)

    def planner(self, project_id: str) -> QueryPlanner | None:
        """The query planner of agentic, deep and auto recall, when the project runs a model."""
        config = self.config(project_id)
        if not self._runs_model(config):
            return None
        return QueryPlanner(self.caller(config, self.options(recall=True)),
                            lambda session_id, meter: self.record(project_id, session_id, meter))

    def resolve(self, conflict: ConflictRecord) -> Resolution | None:
        """How to apply the answers to LLM-written questions (None: the engine's built-in rules apply)."""
        if not conflict.proposed.option_outcomes:
            return None
        with self.db.read() as tx:
            user = user_store.get_user_by_id(tx, conflict.user_id)
            ids = [c["memory_id"] for c in conflict.conflicting]
            existing = [m.content for m in memory_store.get_many(tx, ids)]
        config = self.config(user.project_id) if user is not None else None
        if config is None or not self._runs_model(config):
            return tagged_outcome(conflict)
        meter = UsageMeter()
        try:
            return resolve_with_model(conflict, existing, self.caller(config, self.options()), meter)
        finally:
            self.record(user.project_id, conflict.session_id, meter, immediately=True)  # type: ignore[union-attr]

    def embedder(self) -> Embedder | None:
        """The endpoint's embedding model when ``llm_embedding_model`` is set (uncached), else None."""
        s = self.settings
        if not s.llm_embedding_model:
            return None
        key = s.llm_api_key.get_secret_value() if s.llm_api_key else None
        endpoint = self.endpoint(EffectiveLLM(True, s.llm_model, s.llm_base_url, key))
        required = self.db.dialect.vector_dim
        return EndpointEmbedder(endpoint, s.llm_embedding_model, dimensions=s.llm_embedding_dimensions,
                                timeout=s.llm_timeout_seconds, max_retries=s.llm_max_retries, required_dim=required,
                                on_tokens=self._count_embedding_tokens)

    def _count_embedding_tokens(self, tokens: int) -> None:
        with self._lock:
            self.embedding_tokens += tokens

    # -- usage ------------------------------------------------------------------------------------------------
    def record(self, project_id: str, session_id: str, meter: UsageMeter, *, immediately: bool = False,
               label: str | None = None) -> None:
        """Add a meter's counts to the project's and session's usage (written now, or within a few seconds)."""
        counts = meter.drain()
        self.on_usage(counts)  # metrics (recallr.engine.telemetry); a no-op unless an observer is attached
        if counts and label is not None:
            total = Usage()
            for task_counts in counts.values():
                total.add(Usage(**task_counts))
            log.info("%s: %d LLM calls, %d prompt + %d completion tokens, %d retries, %d fallbacks, %d failures",
                     label, total.calls, total.prompt_tokens, total.completion_tokens, total.retries,
                     total.fallbacks, total.failures)
        with self._lock:
            _merge(self._usage.setdefault((project_id, session_id), {}), counts)
            due = immediately or time.monotonic() - self._usage_since >= USAGE_FLUSH_SECONDS
        if due:
            self.flush_usage()

    def flush_usage(self) -> None:
        with self._lock:
            pending, self._usage = self._usage, {}
            self._usage_since = time.monotonic()
        pending = {key: counts for key, counts in pending.items() if counts}
        if not pending:
            return
        try:
            with self.db.write() as tx:
                for (project_id, session_id), counts in pending.items():
                    if project_store.get_project(tx, project_id) is not None:
                        store.add_usage(tx, project_id, session_id, counts)
        except RecallrAIError as error:  # the database is down: keep the counts for the next flush
            log.warning("could not record LLM usage (%s); will retry", error.message)
            with self._lock:
                for key, counts in pending.items():
                    _merge(self._usage.setdefault(key, {}), counts)

    # -- project operations (routes and CLI) ------------------------------------------------------------------
    def project_settings(self, project_id: str, *, operator: bool = False) -> dict[str, Any]:
        """The project's overrides (never the API key itself) and whether its work runs a model; ``operator``
        (the CLI) adds the server's endpoint and model, which projects do not see."""
        with self.db.read() as tx:
            _require_project(tx, project_id)
            record = store.get_project_llm(tx, project_id)
        return self._settings_view(record, operator=operator)

    def update_project_settings(self, project_id: str, changes: dict[str, Any], *,
                                operator: bool = False) -> dict[str, Any]:
        """Apply ``changes`` (only the fields given; null resets a field to the server's setting).

        ValidationError when the server does not allow them (access.py), or LLM mode is asked for without the
        ``openai`` package installed (the message says how to install it)."""
        missing = self.package_missing()
        if missing is not None and (changes.get("mode") == "llm" or any(
                changes.get(name) is not None for name in ("model", "base_url", "api_key"))):
            raise ValidationError(missing)
        with self.db.write() as tx:
            _require_project(tx, project_id)
            record = apply_changes(store.get_project_llm(tx, project_id), changes, self.settings)
            if changes.get("api_key") is not None and record.api_key is not None:
                record = replace(record, api_key=self._seal(record.api_key))
            store.save_project_llm(tx, record)
        with self._lock:
            self._configs.pop(project_id, None)
        return self._settings_view(record, operator=operator)

    def _seal(self, api_key: str) -> str:
        try:
            return self.keys.seal(api_key)
        except ConfigurationError as error:  # the server cannot keep keys safely: say so, store nothing
            raise ValidationError(f"api_key cannot be stored: {error.message}") from error

    def seal_plaintext_keys(self) -> int:
        """Encrypt project keys stored in plaintext by older versions; how many (0 when no secret is available)."""
        with self.db.read() as tx:
            if not any(not self.keys.is_sealed(key) for key in store.stored_api_keys(tx).values()):
                return 0
        try:
            with self.db.write() as tx:
                plain = {pid: key for pid, key in store.stored_api_keys(tx).items() if not self.keys.is_sealed(key)}
                for project_id, key in plain.items():
                    store.set_api_key(tx, project_id, self.keys.seal(key))
        except ConfigurationError as error:
            log.warning("project API keys stay in plaintext in the database until this is fixed: %s", error.message)
            return 0
        log.info("encrypted %d project API key(s) stored in plaintext by an older version", len(plain))
        return len(plain)

    def _settings_view(self, record: ProjectLLMRecord, *, operator: bool) -> dict[str, Any]:
        config = self._effective(record)
        s = self.settings
        shown = config.enabled and (operator or config.own_endpoint)
        return {
            "mode": record.mode or "inherit", "model": record.model, "base_url": record.base_url,
            "api_key_set": record.api_key is not None, "extraction_instructions": record.extraction_instructions,
            "never_remember": record.never_remember, "always_remember": record.always_remember,
            "examples": record.examples,
            "effective": {
                "llm_enabled": config.enabled,
                "endpoint": ("project" if config.own_endpoint else "server") if config.enabled else None,
                "model": config.model if config.enabled and (operator or record.model is not None) else None,
                "base_url": config.base_url if shown else None,
                "refused": config.refused,
            },
            "allowed": {"project_endpoints": s.llm_project_endpoints, "models": list(s.llm_project_models)},
        }

    def usage(self, project_id: str, session_id: str | None = None, *, top_sessions: int = 20) -> dict[str, Any]:
        """Calls and tokens of the project (or one session), in total, by task, and its costliest sessions."""
        self.flush_usage()
        with self.db.read() as tx:
            _require_project(tx, project_id)
            by_task = store.usage_by_task(tx, project_id, session_id)
            sessions = [] if session_id is not None else store.usage_by_session(tx, project_id, limit=top_sessions)
        total = Usage()
        for counts in by_task.values():
            total.add(Usage(**counts))
        return {"project_id": project_id, "session_id": session_id, "total": total.as_dict(), "by_task": by_task,
                "sessions": [{"session_id": sid, **counts} for sid, counts in sessions]}

    def retry_failed(self, project_id: str, session_ids: list[str] | None = None) -> int:
        """Queue the project's failed sessions (all, or those listed) again; returns how many."""
        with self.db.write() as tx:
            _require_project(tx, project_id)
            return store.retry_failed_sessions(tx, project_id, session_ids)

    def close(self) -> None:
        self.flush_usage()
        with self._lock:
            endpoints, self._endpoints = list(self._endpoints.values()), {}
            pool, self._pool = self._pool, None
        for endpoint in endpoints:
            endpoint.close()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _merge(into: dict[str, dict[str, int]], counts: dict[str, dict[str, int]]) -> None:
    for task, values in counts.items():
        kept = into.setdefault(task, {})
        for name, value in values.items():
            kept[name] = kept.get(name, 0) + value


def _require_project(tx: Any, project_id: str) -> None:
    if project_store.get_project(tx, project_id) is None:
        raise RecallrAIError(f"Project {project_id} not found", 404)


