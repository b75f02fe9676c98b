#!/usr/bin/env bash
# Build the Dockerfile with podman and run the image: /api/health, the page, the HEALTHCHECK,
# the non-root user, WEB_CONCURRENCY, and a network that survives a new container on the volume.
#
# No Docker engine runs here and the official base image cannot be pulled, so the image named
# in the Dockerfile's FROM is stood in for by a local one: Debian bookworm (minbase) with
# Python 3.11 in a venv on PATH, so `python` and `pip` behave as in python:3.11-slim.
# Needs root and: apt-get install -y podman buildah runc debootstrap
# Environment: WORK (cache folder, default /var/tmp/backprop-docker-test), PORT, KEEP=1 keeps
# the built image, REBASE=1 rebuilds the stand-in base image.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${WORK:-/var/tmp/backprop-docker-test}
IMAGE=localhost/backprop-lab:test
BASE=$(awk 'toupper($1) == "FROM" {print $2; exit}' Dockerfile)
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
NAME=backprop-lab-test-$$
VOLUME=backprop-lab-test-$$
CA=/etc/ssl/certs/ca-certificates.crt
URL=http://127.0.0.1:$PORT
T0=$SECONDS

say() { printf '[docker-test %4ss] %s\n' "$((SECONDS - T0))" "$*"; }
fail() { say "FAIL: $*"; podman logs "$NAME" 2>&1 | tail -30 || true; exit 1; }

for tool in podman debootstrap; do
    command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y podman buildah runc debootstrap" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "needs root (debootstrap and rootful podman)" >&2; exit 2; }
mkdir -p "$WORK"

# crun fails on these machines; the default ulimits are too high for the sandbox.
export CONTAINERS_CONF=$WORK/containers.conf
cat > "$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
EOF

cleanup() {
    podman rm -f -v -t 2 "$NAME" "$NAME-idle" >/dev/null 2>&1 || true
    podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
    [ "${KEEP:-0}" = 1 ] || podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- the stand-in for the official base image (cached between runs)
if [ "${REBASE:-0}" = 1 ] || ! podman image exists "$BASE"; then
    if [ ! -x "$WORK/rootfs/usr/bin/python3" ]; then
        say "debootstrap bookworm minbase + python3 into $WORK/rootfs"
        rm -rf "$WORK/rootfs"
        debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
            bookworm "$WORK/rootfs" http://deb.debian.org/debian > "$WORK/debootstrap.log"
        rm -f "$WORK"/rootfs/var/cache/apt/archives/*.deb
    fi
    say "import the root file system as localhost/bookworm-python-rootfs"
    tar -C "$WORK/rootfs" -c . | podman import --quiet - localhost/bookworm-python-rootfs >/dev/null
    say "stand-in base image $BASE (a venv on PATH plays the official image's python and pip)"
    podman build --quiet --pull=never --format docker -t "$BASE" -f - "$WORK" >/dev/null <<'EOF'
FROM localhost/bookworm-python-rootfs
RUN python3 -m venv /usr/local/python && /usr/local/python/bin/pip --version
ENV PATH=/usr/local/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
CMD ["python3"]
EOF
fi

# --- the build itself: exactly the Dockerfile, with the host's CA bundle for pip
say "podman build -t $IMAGE . (FROM $BASE)"
build_start=$SECONDS
podman build --pull=never --format docker --network host -v "$CA:$CA:ro" -t "$IMAGE" . > "$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log"; fail "podman build"; }
say "built in $((SECONDS - build_start)) s"

# Layer order: a copy of the context with one changed line of code must reuse the dependency layer.
say "rebuild with a changed app/__init__.py: the pip install of the dependencies must come from cache"
rm -rf "$WORK/context" && mkdir "$WORK/context"
cp -r Dockerfile .dockerignore pyproject.toml README.md app templates static "$WORK/context/"
echo "# changed" >> "$WORK/context/app/__init__.py"
podman build --pull=never --format docker --network host -v "$CA:$CA:ro" -t "$IMAGE-changed" "$WORK/context" \
    > "$WORK/build-changed.log" 2>&1 || { tail -30 "$WORK/build-changed.log"; fail "podman build of the changed copy"; }
podman rmi -f "$IMAGE-changed" >/dev/null 2>&1 || true
cached() { grep -A1 -F "$1" "$WORK/build-changed.log" | grep -q -- '--> Using cache'; }
cached "RUN python -c \"import tomllib" || fail "a code change reinstalled the dependencies"
! cached "COPY app ./app" || fail "the changed code was not copied again"
say "dependency layer reused, code layer rebuilt"

wait_healthy() {
    for _ in $(seq 1 100); do
        python3 - "$URL/api/health" <<'EOF' 2>/dev/null && return 0
import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)
EOF
        sleep 0.3
    done
    fail "no answer on $URL/api/health"
}

run_container() {  # extra `podman run` options as arguments
    # stderr to a log: podman complains that there is no systemd to time the HEALTHCHECK
    podman run -d --name "$NAME" -p "127.0.0.1:$PORT:8000" -v "$VOLUME:/data" "$@" "$IMAGE" >/dev/null 2>>"$WORK/podman.log"
    wait_healthy
}

podman volume create "$VOLUME" >/dev/null
say "podman run -d -p 127.0.0.1:$PORT:8000 -v $VOLUME:/data $IMAGE"
run_container
health=$(python3 -c "import urllib.request; print(urllib.request.urlopen('$URL/api/health').read().decode())")
[ "$health" = '{"status":"ok"}' ] || fail "/api/health answered $health"
say "/api/health: $health"
page=$(python3 - "$URL" <<'EOF'
import re, sys, urllib.request
r = urllib.request.urlopen(sys.argv[1] + "/")
html = r.read().decode()
assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
ok = [urllib.request.urlopen(sys.argv[1] + a).status == 200 for a in assets]
print(r.status, r.headers["content-type"].split(";")[0], "<html" in html, f"{sum(ok)}/{len(ok)} static files")
EOF
)
case "$page" in "200 text/html True "*) say "/ : $page";; *) fail "the page: $page";; esac

uid=$(podman exec "$NAME" python -c 'import os; print(os.getuid())')
[ "$uid" != 0 ] || fail "the app runs as root"
say "the app runs as uid $uid"
podman healthcheck run "$NAME" 2>>"$WORK/podman.log" || fail "HEALTHCHECK reports unhealthy"
say "HEALTHCHECK passes"

id=$(python3 - "$URL" <<'EOF'
import json, sys, urllib.request
body = json.dumps({"layer_sizes": [2, 3, 1], "seed": 7}).encode()
req = urllib.request.Request(sys.argv[1] + "/api/networks", body, {"content-type": "application/json"})
print(json.load(urllib.request.urlopen(req))["id"])
EOF
)
step='{"inputs": [[0, 1]], "targets": [[1]]}'
python3 - "$URL/api/networks/$id/step" "$step" <<'EOF'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], sys.argv[2].encode(), {"content-type": "application/json"})
assert urllib.request.urlopen(req).status == 200
EOF
before=$(python3 -c "import urllib.request; print(urllib.request.urlopen('$URL/api/networks/$id').read().decode())")
say "created network $id and took one step"

# A new container on the same volume, with two workers: the network must still be there.
podman rm -f -t 10 "$NAME" >/dev/null 2>>"$WORK/podman.log"
say "removed the container; a new one on volume $VOLUME with WEB_CONCURRENCY=2"
run_container -e WEB_CONCURRENCY=2
after=$(python3 -c "import urllib.request; print(urllib.request.urlopen('$URL/api/networks/$id').read().decode())")
[ "$after" = "$before" ] || fail "the network changed across containers"
python3 -c "import json, sys; n = json.loads(sys.argv[1]); assert n['steps'] == 1, n['steps']" "$after" \
    || fail "steps is not 1 after the restart"
say "network $id survived the new container unchanged (steps = 1)"
workers=$(podman exec "$NAME" python -c "
import pathlib
procs = [p for p in pathlib.Path('/proc').glob('[0-9]*') if (p / 'cmdline').exists()]
def ppid(p): return next(l.split()[1] for l in (p / 'status').read_text().splitlines() if l.startswith('PPid:'))
# uvicorn's spawned workers are children of the server (PID 1); each spawns its own training processes
print(sum(b'spawn' + b'_main' in (p / 'cmdline').read_bytes() and ppid(p) == '1' for p in procs))")
[ "$workers" = 2 ] || fail "expected 2 uvicorn workers, found $workers"
say "WEB_CONCURRENCY=2 gave $workers worker processes"
# The HEALTHCHECK must also be able to fail: the same image with no server running.
podman run -d --name "$NAME-idle" "$IMAGE" python -c 'import time; time.sleep(60)' >/dev/null 2>>"$WORK/podman.log"
sleep 1
if podman healthcheck run "$NAME-idle" >/dev/null 2>>"$WORK/podman.log"; then
    podman rm -f -v -t 0 "$NAME-idle" >/dev/null 2>&1; fail "HEALTHCHECK passes with no server"
fi
podman rm -f -v -t 0 "$NAME-idle" >/dev/null 2>>"$WORK/podman.log"
say "HEALTHCHECK fails when nothing serves /api/health"
say "PASS (total $((SECONDS - T0)) s)"
