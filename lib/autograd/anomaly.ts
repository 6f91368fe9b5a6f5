/**
 * Anomaly detection (PyTorch's torch.autograd.detect_anomaly): while on, each recorded op keeps
 * the stack where it ran, and backward checks every gradient an op's backward returns, naming
 * the op (and where it was created) when one holds NaN or Infinity.
 */
let enabled = false;

/** True while anomaly detection is on. */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/** Turns anomaly detection on or off; returns the previous setting. */
export function setDetectAnomaly(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

/** Runs fn with anomaly detection on (forward and backward inside fn), then restores the setting. */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = setDetectAnomaly(true);
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
