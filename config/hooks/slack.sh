#!/usr/bin/env bash
# Posts a message to a Slack or Mattermost incoming webhook at $SLACK_WEBHOOK_URL.
#
# ftd.toml:
#   [[hooks]]
#   name = "slack"
#   on = ["succeeded", "failed", "cancelled", "alert:*"]
#   command = ["/etc/ftd/hooks/slack.sh"]
#   # Set SLACK_WEBHOOK_URL in the daemon's environment (systemd: EnvironmentFile=).
#
# Job data is read from stdin by jq and never reaches a shell command line.
set -euo pipefail

: "${SLACK_WEBHOOK_URL:?set SLACK_WEBHOOK_URL to the incoming webhook URL}"

# A transition says what the job became; an alert (SPEC section 10) what to look at.
payload="$(jq -c '
  (.job.error.message // "") as $message
  | if .alert then
      ({queued_too_long: ":hourglass: Fine-tuning job `\(.job.id)` is still waiting to start",
        stalled: ":warning: Fine-tuning job `\(.job.id)` has stopped making progress",
        loss_diverged: ":chart_with_upwards_trend: Fine-tuning job `\(.job.id)`: the training loss is diverging",
        overfitting: ":mag: Fine-tuning job `\(.job.id)` has started overfitting"}[.alert.kind]
        // "Fine-tuning job `\(.job.id)`: alert \(.alert.kind)") as $headline
      | {text: ($headline + "\n" + .alert.detail)}
    else
      {text: ("Fine-tuning job `" + .transition.job_id + "`: "
        + (.transition.from // "new") + " → " + .transition.to
        + (if (.job.fine_tuned_model // "") != "" then "\nModel: " + .job.fine_tuned_model else "" end)
        + (if $message != "" then "\nError: " + $message else "" end))}
    end
')"

curl --fail --silent --show-error --max-time 20 \
  --header 'Content-Type: application/json' \
  --data-binary "$payload" \
  -- "$SLACK_WEBHOOK_URL"
