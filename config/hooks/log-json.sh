#!/usr/bin/env bash
# Appends each delivery's stdin JSON as one line to $FTD_HOOK_LOG (default ./ftd-hooks.jsonl).
#
# ftd.toml:
#   [[hooks]]
#   name = "log"
#   on = ["*"]
#   command = ["/etc/ftd/hooks/log-json.sh"]
#   # FTD_HOOK_LOG comes from the daemon's environment, e.g. in the systemd unit:
#   # Environment=FTD_HOOK_LOG=/var/lib/ftd/hooks.jsonl
set -euo pipefail

log_file="${FTD_HOOK_LOG:-./ftd-hooks.jsonl}"
# jq -c re-encodes the document onto a single line whatever it looks like on stdin.
jq -c . >>"$log_file"
