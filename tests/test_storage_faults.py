"""Storage faults with real file systems (issue 14): a full disk, a read-only disk, a
database file deleted or replaced under the running server. Each mounts a small tmpfs of
its own (root only; skipped otherwise, CI runs as root). Every answer is checked to be a
503 with a reason, never a bare 500, and nothing answered 2xx is lost on restart."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from conftest import Server
from test_faults import XOR, start_failing


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    folder = tmp_path / "fs"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Write a file until the file system is full."""
    filler = folder / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


def big_create(http: httpx.Client, seed: int) -> httpx.Response:
    rng = np.random.default_rng(seed)  # explicit random weights: the store must keep all of them
    return http.post("/api/networks", json={"layer_sizes": [64, 64, 1],
                                            "weights": [rng.normal(size=(64, 64)).tolist(), rng.normal(size=(1, 64)).tolist()]})


def test_a_full_disk_is_a_503_deletes_still_work_and_nothing_acknowledged_is_lost(tmpfs: Path) -> None:
    db = tmpfs / "full.sqlite"
    server = Server(db).start()
    kept: dict[str, dict] = {}
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for seed in range(4):
                r = big_create(http, seed)
                assert r.status_code == 201
                kept[r.json()["id"]] = r.json()
            first = next(iter(kept))
            stepped = http.post(f"/api/networks/{first}/step", json={"inputs": [[0.5] * 64], "targets": [[1]]})
            assert stepped.status_code == 200
            kept[first] = stepped.json()["network"]
            filler = fill(tmpfs)
            codes = [big_create(http, 100 + k).status_code for k in range(20)]
            assert set(codes) <= {201, 503} and codes[-1] == 503  # the disk filled up: refused, not a 500
            refused = big_create(http, 200)
            assert refused.status_code == 503 and "disk" in refused.json()["detail"] and "full" in refused.json()["detail"]
            step = http.post(f"/api/networks/{first}/step", json={"inputs": [[0.5] * 64], "targets": [[1]]})
            assert step.status_code in (200, 503)  # a step may still fit in the database's free pages
            if step.status_code == 200:
                kept[first] = step.json()["network"]
            for net_id, net in kept.items():  # every acknowledged network reads back as answered
                assert http.get(f"/api/networks/{net_id}").json() == net
            victim = list(kept)[-1]
            assert http.delete(f"/api/networks/{victim}").status_code == 204  # deleting makes room: it works
            del kept[victim]
            filler.unlink()  # the teacher frees space: writes work again
            assert big_create(http, 300).status_code == 201
    finally:
        server.stop()
    again = Server(db).start()
    try:
        for net_id, net in kept.items():
            assert httpx.get(f"{again.url}/api/networks/{net_id}", timeout=10).json() == net
    finally:
        again.stop()


def test_a_read_only_database_refuses_to_start(tmpfs: Path) -> None:
    db = tmpfs / "ro.sqlite"
    server = Server(db).start()  # a real database with a network in it
    httpx.post(server.url + "/api/networks", json={"layer_sizes": [2, 1]}, timeout=10)
    server.stop()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    code, err = start_failing(str(db))
    assert code != 0
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "cannot start" in line]
    assert len(lines) == 1 and str(db) in lines[0] and "writ" in lines[0]


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_database_file_deleted_or_replaced_is_noticed_before_a_write_is_acknowledged(tmp_path: Path,
                                                                                      how: str) -> None:
    db = tmp_path / "gone.sqlite"
    server = Server(db).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            net = http.post("/api/networks", json={"layer_sizes": [2, 2, 1], "seed": 1}).json()
            assert http.post(f"/api/networks/{net['id']}/step", json=XOR).status_code == 200
            if how == "deleted":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
            else:  # an older copy put in its place (a restore from backup over a running server)
                shutil.copy(db, tmp_path / "copy.sqlite")
                os.replace(tmp_path / "copy.sqlite", db)
            answers = [http.post(f"/api/networks/{net['id']}/step", json=XOR),
                       http.post("/api/networks", json={"layer_sizes": [2, 1]})]
            assert [a.status_code for a in answers] == [503, 503]
            assert "deleted or replaced" in answers[0].json()["detail"]
            health = http.get("/api/health")
            assert health.status_code == 503 and "deleted or replaced" in health.json()["detail"]
    finally:
        server.stop()
