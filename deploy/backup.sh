#!/usr/bin/env bash
# Nightly backup with retention: run by deploy/systemd/stride-backup.timer.
#
# Writes $BACKUP_DIR/daily/stride-YYYY-MM-DD.backup (encrypted with $BACKUP_KEY_FILE),
# keeps a copy in weekly/ on Sundays, removes dailies older than 14 days and weeklies
# older than 8 weeks, then runs $BACKUP_COPY (if set) with the new file's path, to put
# it off the server, e.g. BACKUP_COPY="rclone copy --no-traverse {} offsite:clinic/".
# See docs/operations.md.
set -euo pipefail
stride=${STRIDE:-/srv/stride/app/.venv/bin/stride}
dir=${BACKUP_DIR:-/srv/stride/backups}
key=${BACKUP_KEY_FILE:-/etc/stride/backup.key}
keep_daily=${BACKUP_KEEP_DAILY_DAYS:-14}
keep_weekly=${BACKUP_KEEP_WEEKLY_DAYS:-56}

mkdir -p "$dir/daily" "$dir/weekly"
file="$dir/daily/stride-$(date +%F).backup"
"$stride" backup "$file" --key-file "$key"
if [ "$(date +%u)" = 7 ]; then
  cp --preserve=mode,timestamps "$file" "$dir/weekly/"
fi
find "$dir/daily" -name 'stride-*.backup' -mtime +"$keep_daily" -delete
find "$dir/weekly" -name 'stride-*.backup' -mtime +"$keep_weekly" -delete
if [ -n "${BACKUP_COPY:-}" ]; then
  bash -c "${BACKUP_COPY//\{\}/\"$file\"}"
fi
