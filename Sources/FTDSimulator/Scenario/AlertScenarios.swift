/// Elle, bent so that one alert of SPEC §10 fires within seconds at the demo's speed (20)
/// and within minutes at speed 1. Each scenario seeds Elle's file and one job created at
/// the simulator's start (on the scaled clock, the real time it was started), with Elle's
/// model, 10 examples and 10 epochs (100 steps).
///
/// Times below are simulated seconds after the start; at `--speed S` a simulated second
/// takes 1/S real seconds. Event `created_at`s are simulated times, so at speed S > 1 an
/// event emitted t real seconds after the start reads S·t, ahead of the wall clock by
/// (S−1)·t: the judge of `stalled` counts from that `created_at`, which is why the
/// stalled job emits its last event early (its lead is then at most 10 s at any speed).
enum AlertScenarios {
    static let validationFilename = "elle-limericks-validation.jsonl"

    /// Three more limericks in the training file's style, held out for validation.
    static let validationData = #"""
        {"messages": [{"role": "system", "content": "Elle is a factual chatbot that answers questions about elements in the periodic table with a limerick"}, {"role": "user", "content": "Tell me about Copper"}, {"role": "assistant", "content": "Copper, the wire in your wall - Twenty-nine, and it carries it all - It turns green in the rain - On the statue's long mane - And it rang in the bronze of the hall"}]}
        {"messages": [{"role": "system", "content": "Elle is a factual chatbot that answers questions about elements in the periodic table with a limerick"}, {"role": "user", "content": "Tell me about Nitrogen"}, {"role": "assistant", "content": "Nitrogen fills most of the air - Seven protons, it's found everywhere - It's inert as a pair - Feeds the crops with great care - And as liquid it's cold past compare"}]}
        {"messages": [{"role": "system", "content": "Elle is a factual chatbot that answers questions about elements in the periodic table with a limerick"}, {"role": "user", "content": "Tell me about Mercury"}, {"role": "assistant", "content": "Mercury, liquid and bright - Eighty in number, so slight - In the old thermometer - A silvery swimmer - Though its vapour's a poisonous blight"}]}
        """#

    /// Elle's own phases: 20 s validating, 30 s queued, 2.5 s a step, 10 s finishing.
    static let elleDurations = JobDurations()

    /// The job of `scenario` (nil for `elle` and `empty`, which are not alert scenarios).
    static func script(_ scenario: Scenario, trainingFile: String, validationFile: String?) -> JobScript? {
        var script = ElleScenario.script(trainingFile: trainingFile)
        switch scenario {
        case .elle, .empty:
            return nil
        case .slowQueue:
            // `queued_too_long`. validating_files 0–20 s, queued 20–10,820 s (3 h), running
            // 10,820–11,070 s, succeeded at 11,080 s. Azure shows `pending` for 0–10,820 s.
            // Speed 1: queued for 3 hours. Speed 20: queued for the first 541 real seconds.
            // created_at is the start, so with `queued_after = 30` the alert fires about 30
            // real seconds after the start (or after the daemon's baseline, if later), at any speed.
            script.suffix = "elle-slow-queue"
            script.durations = JobDurations(validating: 20, queued: 10_800, perStep: 2.5, finishing: 10)
        case .stalled:
            // `stalled`. validating_files 0–2 s, queued 2–5 s, running from 5 s: steps 1…5 at
            // 6…10 s, then no event at all, still `running` (its estimated_finish, 115 s, goes
            // stale) until cancelled. The last event's created_at is start + 10, emitted 10
            // real seconds after the start at speed 1 and 0.5 s at speed 20 (9.5 s ahead of
            // the wall clock then). now − last event passes 30 s about 40 real seconds after
            // the start at any speed ≥ 1: `stalled_after = 30` fires then (or 30 s after the
            // daemon's baseline, if it started later than 10 s after the simulator).
            script.suffix = "elle-stalled"
            script.durations = JobDurations(validating: 2, queued: 3, perStep: 1, finishing: 10)
            script.outcome = .stall(afterStep: 5)
        case .diverging:
            // `loss_diverged`, then succeeds. Elle's phases: running from 50 s, step n at
            // 50 + 2.5n s. The train loss falls to about 0.36 at step 20 (100 s), then climbs
            // by 15% of that a step; its moving average is lowest at step 24 (110 s), twice
            // that at step 44 (160 s: 8 real seconds at speed 20), three times at step 56
            // (190 s: 9.5 s). Step 70 (225 s: 11.25 s) is the message `Step 70/100: training
            // loss=nan` without data. Succeeds at 310 s (15.5 real seconds at speed 20).
            // (Steps as seeded on either flavor; other seeds move them by a step or two.)
            script.suffix = "elle-diverging"
            script.lossShape = .diverging(risesAfter: 20, nanAt: 70)
        case .overfitting:
            // `overfitting`, then succeeds. Elle's phases, with a validation file: every step
            // has a valid_loss, lowest near step 40 (150 s) and 80% above that by step 100;
            // its moving average is lowest at step 49 or 50 (175 s) and has risen three
            // readings in a row at step 52 or 53 (182.5 s: 9.1 real seconds at speed 20),
            // while the train loss falls every step. Checkpoints at every epoch's end (steps
            // 10, 20, …, 90 and the final 100), so that step 50's is next to the minimum.
            // Succeeds at 310 s (15.5 real seconds at speed 20).
            script.suffix = "elle-overfitting"
            script.validationFile = validationFile
            script.lossShape = .overfitting
            script.keptCheckpointEpochs = script.epochs
        }
        return script
    }
}
