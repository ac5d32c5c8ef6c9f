"""Where the library pipeline's work runs: Ray (local processes, or a cluster) when the
``scale`` extra is installed, or this process when it is not.

Two kinds of work: stateless tasks (parse + chunk + tokenize a batch of files) and a pool of
stateful embedding actors, each holding one embedder limited to ``threads`` threads so that
N actors on N cores do not oversubscribe them. Results come back as they finish.

Ray is optional (``pip install 'policydesk[scale]'``): asking for a cluster or for more than
one worker without it is an error that names the extra.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from policydesk.errors import BackendMissingError, InputError
from policydesk.settings import PROJECT_ROOT
from retrieval.embedders import new_embedder

SCALE_EXTRA = "'policydesk[scale]'  (ray[data])"


def ray_available() -> bool:
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


class EmbedWorker:
    """One embedder; ``embed(keys, texts)`` → (keys, float32 matrix). Used as a Ray actor or
    directly in this process."""

    def __init__(self, spec: str, threads: int | None):

        self.embedder = new_embedder(spec, threads)

    def embed(self, keys: list, texts: list[str]):
        import numpy as np

        if hasattr(self.embedder, "embed_documents_array"):
            vectors = self.embedder.embed_documents_array(texts)
        else:
            vectors = np.asarray(self.embedder.embed_documents(texts), dtype=np.float32)
        return keys, np.asarray(vectors, dtype=np.float32)

    def pid(self) -> int:
        return os.getpid()


class LocalExecutor:
    """Everything in this process, in order (no Ray)."""

    name = "local"
    workers = 1

    def map(self, fn: Callable, items: Iterable) -> Iterator:
        for item in items:
            yield fn(*item)

    def embed(self, spec: str, threads: int | None, batches: Iterable[tuple[list, list[str]]]) -> Iterator:
        worker = EmbedWorker(spec, threads)
        for keys, texts in batches:
            yield worker.embed(keys, texts)

    def shutdown(self) -> None:
        pass


@contextmanager
def _loopback_only(ray):
    """A Ray started or joined on this machine whose servers (GCS, raylet, workers, agents)
    listen on 127.0.0.1 only, with workers at this process's priority.

    Ray 2.60 turns ``_node_ip_address="127.0.0.1"`` into the machine's routable address;
    what keeps it on loopback is its "no cluster" switch (the one it uses on macOS and
    Windows), read by this process from ``ray_constants`` and by the processes it starts
    from their environment. Its raylet also lowers workers to niceness 15 by default, so
    on a shared machine the ingest's parse and embed workers would get a fraction of what
    the same work gets in one process; ``RAY_worker_niceness=0`` keeps them level. The
    environment is restored once the processes are up."""
    from ray._private import ray_constants

    env = {ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR: "0", ray_constants.RAY_WORKER_NICENESS: "0"}
    old_env = {k: os.environ.get(k) for k in env}
    old_flag = ray_constants.ENABLE_RAY_CLUSTER
    os.environ.update(env)
    ray_constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = old_flag
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class RayExecutor:
    """Ray tasks and an actor pool. ``address`` None starts a private local Ray (``workers``
    CPUs, no dashboard, bound to 127.0.0.1); an address joins that cluster."""

    name = "ray"
    actor_pids: list = []

    def __init__(self, workers: int, address: str | None = None):
        import ray

        self.ray = ray
        self.address = address
        self._started = False
        if not ray.is_initialized():
            kwargs = dict(include_dashboard=False, log_to_driver=False, ignore_reinit_error=True,
                          configure_logging=False)
            if address:
                # Workers on other machines need this code; the dependencies must be installed there.
                kwargs["runtime_env"] = {"working_dir": str(PROJECT_ROOT), "excludes": [
                    ".venv", ".policydesk", ".git", "test-artifacts", "tests", "*.npy", "chroma"]}
                host = address.split("://")[-1].rsplit(":", 1)[0]
                if host in ("127.0.0.1", "localhost", "::1"):
                    with _loopback_only(ray):  # a head on this machine: stay on loopback
                        ray.init(address=address, **kwargs)
                else:
                    ray.init(address=address, **kwargs)
            else:
                os.environ.setdefault("RAY_DISABLE_USAGE_STATS", "1")
                # Ray turns token authentication on for a new local cluster and says so on
                # stderr; the notice means nothing to an operator running ingest.
                import logging

                logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(
                    logging.ERROR)
                # "local": always a private instance, never a cluster some other process started
                with _loopback_only(ray):
                    ray.init(address="local", num_cpus=workers, **kwargs)
            self._started = True
        total = int(ray.cluster_resources().get("CPU", workers))
        self.workers = max(1, min(workers, total)) if workers else max(1, total)

    def map(self, fn: Callable, items: Iterable) -> Iterator:
        remote = self.ray.remote(num_cpus=1, max_retries=2)(fn)
        pending = [remote.remote(*item) for item in items]
        while pending:
            done, pending = self.ray.wait(pending, num_returns=1)
            yield self.ray.get(done[0])

    def embed(self, spec: str, threads: int | None, batches: Iterable[tuple[list, list[str]]]) -> Iterator:
        """Batches spread over ``workers`` actors, two in flight per actor. A dead actor is
        restarted and its batch retried (Ray ``max_restarts`` / ``max_task_retries``)."""
        actor_cls = self.ray.remote(num_cpus=1, max_restarts=3, max_task_retries=3)(EmbedWorker)
        actors = [actor_cls.remote(spec, threads) for _ in range(self.workers)]
        self.actors = actors
        self.actor_pids = self.ray.get([a.pid.remote() for a in actors])
        batches = iter(batches)
        pending = {}
        load = {i: 0 for i in range(len(actors))}

        def submit() -> bool:
            i = min(load, key=load.get)
            try:
                keys, texts = next(batches)
            except StopIteration:
                return False
            ref = actors[i].embed.remote(keys, texts)
            pending[ref] = i
            load[i] += 1
            return True

        for _ in range(2 * len(actors)):
            if not submit():
                break
        try:
            while pending:
                done, _ = self.ray.wait(list(pending), num_returns=1)
                i = pending.pop(done[0])
                load[i] -= 1
                result = self.ray.get(done[0])
                submit()
                yield result
        finally:
            for actor in actors:
                try:
                    self.ray.kill(actor)
                except Exception:
                    pass
            self.actors = []

    def shutdown(self) -> None:
        if self._started:
            self.ray.shutdown()


def make_executor(workers: int | None, address: str | None = None):
    """Ray when it is installed (or required); this process otherwise."""
    address = address or os.environ.get("RAY_ADDRESS") or None
    if workers is not None and workers < 1:
        raise InputError("并行进程数 --workers 至少为 1", "--workers must be at least 1", field="workers")
    if not ray_available():
        if address or (workers or 1) > 1:
            raise BackendMissingError("ray", SCALE_EXTRA)
        return LocalExecutor()
    return RayExecutor(workers or (os.cpu_count() or 1), address)
