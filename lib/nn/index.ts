/** `kd.nn`: modules, layers, losses, initialisers and the functional forms. */
export { Module } from './module.js';
export type { StateDict, LoadStateDictResult, RemovableHandle, ForwardHook, ForwardPreHook, FullBackwardHook } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, Bilinear, Identity } from './linear.js';
export {
  ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, SiLU, ELU, SELU, CELU, Softplus, Softsign, Mish, Hardtanh,
  ReLU6, Hardswish, Hardsigmoid, LogSigmoid, Softmin, GLU, Threshold, PReLU, Softshrink, Hardshrink, Tanhshrink, Softmax2d, RReLU,
} from './activation.js';
export { Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout } from './dropout.js';
export { Flatten, Unflatten } from './flatten.js';
export {
  ZeroPad1d, ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d,
  CircularPad1d, CircularPad2d,
} from './padding.js';
export { PixelShuffle, PixelUnshuffle, ChannelShuffle } from './pixelshuffle.js';
export { CosineSimilarity, PairwiseDistance } from './distance.js';
export { LayerNorm, GroupNorm, LocalResponseNorm } from './normalization.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './batchnorm.js';
export { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './instancenorm.js';
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from './rnn.js';
export type { RNNOptions } from './rnn.js';
export { MultiheadAttention } from './attention.js';
export { TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer } from './transformer.js';
export type { TransformerOptions, TransformerCallOptions, DecoderCallOptions, EncoderCallOptions, TransformerEncoderLayerOptions } from './transformer.js';
export { generateSquareSubsequentMask } from '../ops/attention.js';
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d } from './conv.js';
export {
  MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, LPPool1d, LPPool2d,
} from './pooling.js';
export { Embedding, EmbeddingBag } from './sparse.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './upsampling.js';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './containers.js';
export {
  MSELoss, L1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, SmoothL1Loss, KLDivLoss, CosineEmbeddingLoss,
  MarginRankingLoss, TripletMarginLoss, HingeEmbeddingLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, PoissonNLLLoss, GaussianNLLLoss,
} from './losses.js';
export * as init from './init.js';
export * as functional from './functional.js';
export * as utils from './utils/index.js';
export * as parallel from './parallel/index.js';
