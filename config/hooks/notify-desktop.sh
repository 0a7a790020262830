#!/usr/bin/env bash
# Shows a desktop notification with notify-send (libnotify).
#
# ftd.toml:
#   [[hooks]]
#   name = "desktop"
#   on = ["succeeded", "failed"]
#   command = ["/etc/ftd/hooks/notify-desktop.sh"]
#   # A user daemon needs DISPLAY / DBUS_SESSION_BUS_ADDRESS in its environment.
set -euo pipefail

urgency=normal
if [ "${FTD_STATUS:-}" = "failed" ] || [ -n "${FTD_ALERT:-}" ]; then
  urgency=critical
fi

if [ -n "${FTD_ALERT:-}" ]; then
  body="alert ${FTD_ALERT}: ${FTD_ALERT_DETAIL:-}"
else
  body="${FTD_PREVIOUS_STATUS:-new} → ${FTD_STATUS:-}"
fi
if [ -n "${FTD_FINE_TUNED_MODEL:-}" ]; then
  body="$body"$'\n'"$FTD_FINE_TUNED_MODEL"
fi
if [ -n "${FTD_ERROR_MESSAGE:-}" ]; then
  body="$body"$'\n'"$FTD_ERROR_MESSAGE"
fi

# "--" ends the options: a value starting with "-" stays text.
notify-send --app-name=ftd --urgency="$urgency" -- "ftd: ${FTD_JOB_ID:-job}" "$body"
