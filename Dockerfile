# The Move Mates service. Built by docker-compose.yml; see README.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CONTENT_DIR=/app/content

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY conversations ./conversations
COPY content ./content
# The staff console's styles and scripts: the NHS design system from npm, compiled into
# web/dist and served by the app under /staff/assets (no CDN). Node.js is needed for this
# step only, so it is installed and removed in the same layer.
COPY web/package.json web/package-lock.json ./web/
COPY web/src ./web/src
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && npm ci --prefix web --no-audit --no-fund --loglevel=error \
    && npm run --prefix web --silent build \
    && rm -rf web/node_modules /root/.npm \
    && apt-get purge -y --auto-remove nodejs npm \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 movemates \
    && mkdir -p /app/data && chown movemates /app/data
USER movemates

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["sh", "-c", "movemates db upgrade && movemates serve --host 0.0.0.0 --port 8000"]
