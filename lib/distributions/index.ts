/**
 * kd.distributions (PyTorch's torch.distributions): Normal, Categorical, Bernoulli and Uniform
 * with sample / rsample, logProb, entropy and moments, and klDivergence — what policy-gradient
 * and variational models reach for (REINFORCE's `Categorical(probs).sample()` and `logProb`).
 */
export { Distribution } from './distribution.js';
export { Normal } from './normal.js';
export { Categorical } from './categorical.js';
export { Bernoulli } from './bernoulli.js';
export { Uniform } from './uniform.js';
export { klDivergence } from './kl.js';
