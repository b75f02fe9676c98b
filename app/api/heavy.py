"""Heavy work (training, large passes) runs in a small pool of processes of its own.

Quick requests (a click's forward, backward or step) are answered on the event loop or in
the thread pool; if a /train of several seconds ran there too, a class of students pressing
Train would fill that pool and every quick request would wait behind them (issue 14: a
clicker's p99 was 8.4 s). So each uvicorn worker keeps `heavy_processes` child processes at
a lower CPU priority (nice +10 by default) and one dispatch thread per child: heavy calls queue for a
child in arrival order, and quick requests always find the event loop, a free thread and,
thanks to the priority, the CPU first. A child computes only (numpy in, numpy out); reading
and writing the store stay in the server process (Store.update).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

T = TypeVar("T")

class HeavyPool:
    """`await pool.run(fn)` runs fn in a dispatch thread; inside it, `pool.compute(f, *args)`
    runs f(*args) in a child process (processes=0: in the dispatch thread itself)."""

    def __init__(self, processes: int, nice: int = 10) -> None:
        """nice: the children's CPU priority relative to the server's (higher is lower)."""
        self.processes, self.nice = processes, nice
        self._children = self._start() if processes > 0 else None
        self._restart = threading.Lock()
        self._dispatch = ThreadPoolExecutor(max(1, processes), thread_name_prefix="heavy")

    def _start(self) -> ProcessPoolExecutor:
        # spawn: a fork of a process running threads (the event loop, a connection pool) is unsafe
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_child_start, initargs=(os.getpid(), self.nice))

    def warm_up(self) -> None:
        """Start the children now, not at the first /train (a spawn takes ~0.3 s)."""
        if self._children is not None:
            list(self._children.map(abs, range(self.processes)))

    async def run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._dispatch, fn)

    def compute(self, fn: Callable[..., T], *args: Any) -> T:
        if self._children is None:
            return fn(*args)
        children = self._children
        try:
            return children.submit(fn, *args).result()
        except BrokenProcessPool:
            # A child died (killed, out of memory): the work is pure, so start new ones and retry once.
            with self._restart:
                if self._children is children:
                    self._children = self._start()
            return self._children.submit(fn, *args).result()

    def close(self) -> None:
        self._dispatch.shutdown(wait=True)  # calls in flight finish (SIGTERM waits for them)
        if self._children is not None:
            self._children.shutdown(wait=True)


def _child_start(parent: int, nice: int) -> None:
    os.nice(nice)
    # Ctrl-C in a terminal reaches the whole process group: the server decides when children stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """A server killed with SIGKILL cannot stop its children: they notice and leave."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


_inline = HeavyPool(0)


async def get_heavy(request: Request) -> HeavyPool:
    """The app's pool (started with the app), or one dispatch thread computing in-process
    for an app run without its lifespan (tests' TestClient)."""
    return pool_of(request.app.state)


def pool_of(state: Any) -> HeavyPool:
    """The pool the app's lifespan put in `state` (app.state), else the in-process one."""
    return getattr(state, "heavy", _inline)


HeavyDep = Annotated[HeavyPool, Depends(get_heavy)]
