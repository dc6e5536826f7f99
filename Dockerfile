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
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 movemates \
    && mkdir -p /app/data && chown movemates /app/data
USER movemates

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["sh", "-c", "movemates db upgrade && movemates serve --host 0.0.0.0 --port 8000"]
