"""The public runtime, run in a session: initialize all, a selection or what is left, check
readiness, explain TF's errors, and the session settings for fast first runs. Values always
come from TensorFlow's own initializer ops; this package decides what runs and in which order."""
