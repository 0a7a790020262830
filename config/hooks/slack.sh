#!/usr/bin/env bash
# Posts a message to a Slack or Mattermost incoming webhook at $SLACK_WEBHOOK_URL.
#
# ftd.toml:
#   [[hooks]]
#   name = "slack"
#   on = ["succeeded", "failed", "cancelled"]
#   command = ["/etc/ftd/hooks/slack.sh"]
#   # Set SLACK_WEBHOOK_URL in the daemon's environment (systemd: EnvironmentFile=).
#
# Job data is read from stdin by jq and never reaches a shell command line.
set -euo pipefail

: "${SLACK_WEBHOOK_URL:?set SLACK_WEBHOOK_URL to the incoming webhook URL}"

payload="$(jq -c '
  (.job.error.message // "") as $message
  | {text: ("Fine-tuning job `" + .transition.job_id + "`: "
      + (.transition.from // "new") + " → " + .transition.to
      + (if (.job.fine_tuned_model // "") != "" then "\nModel: " + .job.fine_tuned_model else "" end)
      + (if $message != "" then "\nError: " + $message else "" end))}
')"

curl --fail --silent --show-error --max-time 20 \
  --header 'Content-Type: application/json' \
  --data-binary "$payload" \
  -- "$SLACK_WEBHOOK_URL"
