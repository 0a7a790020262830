// The dashboard's script: see docs/architecture.md. Replaced by the full one.
document.body.dataset.ready = "1";
