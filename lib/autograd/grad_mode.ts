/** Whether ops record the autograd tape; `noGrad` turns it off for the length of a call. */

let enabled = true;

/** True while operations are recorded for backward. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Enables or disables recording; returns the previous setting. */
export function setGradEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

/**
 * Runs fn with recording off (PyTorch's `with torch.no_grad():`) and returns its result.
 * The previous mode is restored even if fn throws. Async functions are not supported: the
 * mode would be restored at their first await.
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with recording on, e.g. inside a `noGrad` block. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

function withGradMode<T>(on: boolean, fn: () => T): T {
  const prev = setGradEnabled(on);
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/**
 * Runs fn without recording (PyTorch's torch.inference_mode); kindling has no separate
 * inference tensors, so this is noGrad under PyTorch's name.
 */
export function inferenceMode<T>(fn: () => T): T {
  return withGradMode(false, fn);
}
