/** Parameters as one flat vector and back (PyTorch's parameters_to_vector / vector_to_parameters). */
import { Tensor } from '../../tensor/tensor.js';
import { describe } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { cat } from '../../ops/indexing.js';

function list(op: string, parameters: Iterable<Tensor>): Tensor[] {
  const ps = Array.from(parameters);
  ps.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameters[${i}] is ${describe(p)}, not a Tensor`);
  });
  return ps;
}

/** One 1-D tensor holding every parameter's elements in order (a copy; differentiable). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const ps = list('parametersToVector', parameters);
  if (ps.length === 0) throw new RangeError('parametersToVector: expected at least one parameter');
  return cat(ps.map((p) => p.reshape([-1])));
}

/** Copies consecutive slices of `vec` into the parameters, in order; vec must hold exactly their elements. */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor) || vec.dim() !== 1) throw new TypeError(`vectorToParameters: expected vec to be a 1-D Tensor, but received ${vec instanceof Tensor ? `shape [${vec.shape.join(', ')}]` : describe(vec)}`);
  const ps = list('vectorToParameters', parameters);
  const total = ps.reduce((s, p) => s + p.numel(), 0);
  if (total !== vec.numel()) throw new RangeError(`vectorToParameters: vec has ${vec.numel()} elements but the parameters hold ${total}`);
  let at = 0;
  noGrad(() => {
    for (const p of ps) {
      p.copy_(vec.narrow(0, at, p.numel()).reshape(p.shape.slice()));
      at += p.numel();
    }
  });
}
