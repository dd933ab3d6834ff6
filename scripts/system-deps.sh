#!/usr/bin/env bash
# System packages and local services the test suite needs (Debian; run as root or with sudo).
# Idempotent: installs only what is missing and starts only what is not answering.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

missing=()
command -v chromium >/dev/null || missing+=(chromium)          # report screenshots, JS crawling
command -v pdftoppm >/dev/null || missing+=(poppler-utils)     # PDF report checks
# emoji in scraped titles render as boxes in the PDF and screenshots without a colour emoji font
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Redis and PostgreSQL back the scale-out paths (scrapy-redis frontier, Celery broker, Airflow
# metadata DB). This kind of machine starts them at boot; start them here only if they are down.
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    echo "starting redis on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /tmp --logfile /tmp/pharmwatch-redis.log
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    echo "starting postgresql on 127.0.0.1:5432"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
