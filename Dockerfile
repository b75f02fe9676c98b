# Backprop Lab: the FastAPI app and its SQLite store on a volume.
#   docker build -t backprop-lab . && docker run -p 8000:8000 -v bplab:/data backprop-lab
FROM docker.io/library/python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, read from pyproject.toml alone: a change to the code reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code. uvicorn runs from /app, so app/ finds templates/ and static/ beside it.
COPY README.md ./
COPY app ./app
COPY templates ./templates
COPY static ./static
RUN pip install --no-cache-dir --no-deps . \
    && rm -rf build ./*.egg-info

# A non-root user owns the data folder; a named volume mounted there starts with that owner.
RUN groupadd --system --gid 10001 backprop \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin backprop \
    && mkdir /data \
    && chown 10001:10001 /data
USER 10001:10001

# No access log (one line per request cost ~15% of /forward's throughput: docs/performance.md);
# errors, tracebacks and start-up lines are still logged. `-e UVICORN_ACCESS_LOG=true` turns it on.
ENV BACKPROP_DB=/data/backprop.sqlite \
    WEB_CONCURRENCY=2 \
    UVICORN_ACCESS_LOG=false
VOLUME /data
EXPOSE 8000

# Python's own urllib: the slim image has no curl. urlopen raises on any non-2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4)"]

# app.serve: uvicorn with the bounds of docs/deployment.md (header size, request deadline,
# keep-alive); workers from WEB_CONCURRENCY (`docker run -e WEB_CONCURRENCY=4 ...`).
CMD ["python", "-m", "app.serve", "--host", "0.0.0.0", "--port", "8000"]
