# backstride for a clinic: one image for the migrate step, the web app and the job worker
# (docker-compose.yml runs all three over PostgreSQL). Debian's slim Python; no compilers needed, since
# every dependency ships a wheel.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /var/lib/backstride --create-home backstride \
    && install -d -o backstride -g backstride -m 0700 /var/lib/backstride/uploads

# Uploaded files wait here for the worker (docker-compose shares this folder between app and worker).
ENV TMPDIR=/var/lib/backstride/uploads
USER backstride
EXPOSE 8000
CMD ["backstride", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
