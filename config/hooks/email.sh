#!/usr/bin/env bash
# Sends a plain-text mail through sendmail to $FTD_MAIL_TO, with the delivery JSON.
#
# ftd.toml:
#   [[hooks]]
#   name = "email"
#   on = ["succeeded", "failed", "cancelled"]
#   command = ["/etc/ftd/hooks/email.sh"]
#   # Set FTD_MAIL_TO (and optionally FTD_MAIL_FROM) in the daemon's environment.
set -euo pipefail

: "${FTD_MAIL_TO:?set FTD_MAIL_TO to the recipient address}"

# Header values must stay on one line: strip CR/LF so job data cannot add headers.
one_line() { printf '%s' "$1" | tr -d '\r\n'; }

if [ -n "${FTD_ALERT:-}" ]; then
  subject="$(one_line "ftd: ${FTD_JOB_ID:-job} alert ${FTD_ALERT}")"
else
  subject="$(one_line "ftd: ${FTD_JOB_ID:-job} ${FTD_PREVIOUS_STATUS:-new} -> ${FTD_STATUS:-}")"
fi
to="$(one_line "$FTD_MAIL_TO")"
from="$(one_line "${FTD_MAIL_FROM:-ftd}")"
delivery="$(jq . )"

{
  printf 'To: %s\n' "$to"
  printf 'From: %s\n' "$from"
  printf 'Subject: %s\n' "$subject"
  printf 'Content-Type: text/plain; charset=utf-8\n'
  printf '\n'
  printf 'Job:      %s\n' "${FTD_JOB_ID:-}"
  if [ -n "${FTD_ALERT:-}" ]; then
    printf 'Alert:    %s: %s\n' "$FTD_ALERT" "${FTD_ALERT_DETAIL:-}"
    printf 'Status:   %s\n' "${FTD_STATUS:-}"
  else
    printf 'Status:   %s -> %s\n' "${FTD_PREVIOUS_STATUS:-new}" "${FTD_STATUS:-}"
  fi
  printf 'Model:    %s\n' "${FTD_FINE_TUNED_MODEL:-${FTD_MODEL:-}}"
  if [ -n "${FTD_ERROR_MESSAGE:-}" ]; then
    printf 'Error:    %s %s\n' "${FTD_ERROR_CODE:-}" "$FTD_ERROR_MESSAGE"
  fi
  printf '\n%s\n' "$delivery"
} | sendmail -i -- "$to"
