import Prometheus

/// The metrics of SPEC section 9 by name, each with the text of its `# HELP` line.
/// The counters are made where they happen (FTDAPI, FTDEngine) under these names; the
/// gauges here, at each scrape.
enum MetricsCatalog {
    static let help: [String: String] = [
        "ftd_build_info": "Always 1; the version label is the ftd that answers.",
        "ftd_jobs": "Stored fine-tuning jobs, by status.",
        "ftd_transitions_total":
            "Job status changes recorded since the daemon started (a first sight's baseline excluded).",
        "ftd_alerts_total":
            "Alerts fired since the daemon started (SPEC section 10): each kind at most once per job.",
        "ftd_api_requests_total":
            "HTTP requests to the fine-tuning API since start, retries included, by endpoint and status code (error: no answer).",
        "ftd_api_request_duration_seconds": "Time from sending an API request to the end of its answer.",
        "ftd_poll_cycles_total": "Poll cycles since start, by outcome (complete, incomplete, failed).",
        "ftd_last_complete_cycle_timestamp_seconds": "Unix time the last complete poll cycle ended.",
        "ftd_hook_runs_total": "Hook attempts that ran to their end since start, by hook and status.",
        "ftd_hook_deliveries_pending": "Hook deliveries waiting to run.",
        "ftd_job_step": "The highest stored training step of an active job.",
        "ftd_job_total_steps": "The total steps an active job's last step announced.",
        "ftd_job_train_loss": "The training loss at an active job's highest stored step.",
    ]

    static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? "")
    }

    /// API requests end within `api.request_timeout` (60 s unless set), most in well
    /// under a second.
    static let apiDurationBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]
}
