"""``dn.nn``: modules, layers, initializers and activations, written once on the ops."""

from dualnet.nn import activations, initializers
from dualnet.nn.activation import Activation
from dualnet.nn.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from dualnet.nn.activity_regularization import ActivityRegularization
from dualnet.nn.aliases import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    BatchNormalization,
    Convolution1D,
    Convolution1DTranspose,
    Convolution2D,
    Convolution2DTranspose,
    Convolution3D,
    Convolution3DTranspose,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    GroupNormalization,
    LayerNormalization,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
    RMSNormalization,
    SeparableConvolution1D,
    SeparableConvolution2D,
)
from dualnet.nn.attention import MultiHeadAttention
from dualnet.nn.attention_luong import AdditiveAttention, Attention
from dualnet.nn.bidirectional import Bidirectional
from dualnet.nn.cloning import clone
from dualnet.nn.containers import Residual, Sequential
from dualnet.nn.conv import Conv1D, Conv2D, Conv3D, DepthwiseConv1D, DepthwiseConv2D
from dualnet.nn.conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from dualnet.nn.conv_separable import SeparableConv1D, SeparableConv2D
from dualnet.nn.conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
from dualnet.nn.dense import Dense
from dualnet.nn.dropout import Dropout
from dualnet.nn.einsum_dense import EinsumDense
from dualnet.nn.embedding import Embedding
from dualnet.nn.embedding_bag import EmbeddingBag
from dualnet.nn.embedding_reversible import ReversibleEmbedding
from dualnet.nn.functional import Model
from dualnet.nn.gqa import GroupedQueryAttention, GroupQueryAttention
from dualnet.nn.lambda_layer import Identity, Lambda
from dualnet.nn.masking import Masking
from dualnet.nn.merge import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract
from dualnet.nn.module import Module
from dualnet.nn.module_list import ModuleDict, ModuleList
from dualnet.nn.native import Wrapped, wrap
from dualnet.nn.noise import (
    AlphaDropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from dualnet.nn.normalization import BatchNorm, GroupNorm, LayerNorm
from dualnet.nn.normalization_extra import InstanceNorm1D, InstanceNorm2D, InstanceNorm3D, RMSNorm, UnitNormalization
from dualnet.nn.padding import Cropping1D, Cropping2D, Cropping3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D
from dualnet.nn.pooling import (
    AvgPool1D,
    AvgPool2D,
    AvgPool3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    MaxPool1D,
    MaxPool2D,
    MaxPool3D,
)
from dualnet.nn.pooling_adaptive import (
    AdaptiveAvgPool1D,
    AdaptiveAvgPool2D,
    AdaptiveAvgPool3D,
    AdaptiveMaxPool1D,
    AdaptiveMaxPool2D,
    AdaptiveMaxPool3D,
)
from dualnet.nn.preprocessing_numeric import CategoryEncoding, Discretization, Normalization, Rescaling
from dualnet.nn.recurrent import GRU, LSTM
from dualnet.nn.recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell
from dualnet.nn.regularization import apply_constraints, regularization_loss
from dualnet.nn.resampling import (
    CenterCrop,
    PixelShuffle,
    PixelUnshuffle,
    Resizing,
    Upsample,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
)
from dualnet.nn.reshaping import Flatten, Permute, RepeatVector, Reshape, Unflatten
from dualnet.nn.rnn import RNN, StackedRNNCells
from dualnet.nn.rotary import RotaryEmbedding
from dualnet.nn.simple_rnn import SimpleRNN
from dualnet.nn.spec import Input, InputSpec
from dualnet.nn.spectral_norm import SpectralNormalization
from dualnet.nn.time_distributed import TimeDistributed
from dualnet.nn.transformer import TransformerEncoderLayer
from dualnet.nn.transformer_decoder import TransformerDecoderLayer
from dualnet.nn.transformer_model import Transformer
from dualnet.nn.transformer_stacks import TransformerDecoder, TransformerEncoder

__all__ = [
    "CategoryEncoding",
    "Discretization",
    "Normalization",
    "Rescaling",
    "Activation",
    "AvgPool1D",
    "AvgPool2D",
    "BatchNorm",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Dense",
    "DepthwiseConv2D",
    "Dropout",
    "Embedding",
    "Flatten",
    "GRU",
    "GRUCell",
    "LSTMCell",
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GroupNorm",
    "Input",
    "InputSpec",
    "LSTM",
    "LayerNorm",
    "MaxPool1D",
    "MaxPool2D",
    "Model",
    "Module",
    "MultiHeadAttention",
    "AdditiveAttention",
    "Attention",
    "GroupQueryAttention",
    "GroupedQueryAttention",
    "RotaryEmbedding",
    "Reshape",
    "Residual",
    "Sequential",
    "Wrapped",
    "TransformerEncoderLayer",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerDecoder",
    "Transformer",
    "activations",
    "initializers",
    "wrap",
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Identity",
    "Lambda",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "ModuleDict",
    "ModuleList",
    "Permute",
    "RepeatVector",
    "Unflatten",
    "clone",
    "AdaptiveAvgPool1D",
    "AdaptiveAvgPool2D",
    "AdaptiveAvgPool3D",
    "AdaptiveMaxPool1D",
    "AdaptiveMaxPool2D",
    "AdaptiveMaxPool3D",
    "AvgPool3D",
    "Conv1DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "DepthwiseConv1D",
    "GlobalAvgPool3D",
    "GlobalMaxPool3D",
    "MaxPool3D",
    "SeparableConv1D",
    "SeparableConv2D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "Upsample",
    "PixelShuffle",
    "PixelUnshuffle",
    "Resizing",
    "CenterCrop",
    "Masking",
    "ELU",
    "InstanceNorm1D",
    "InstanceNorm2D",
    "InstanceNorm3D",
    "LeakyReLU",
    "PReLU",
    "ReLU",
    "RMSNorm",
    "Softmax",
    "UnitNormalization",
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "Bidirectional",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "TimeDistributed",
    "ActivityRegularization",
    "SpectralNormalization",
    "apply_constraints",
    "regularization_loss",
    "EinsumDense",
    "EmbeddingBag",
    "ReversibleEmbedding",
    # Keras's other names for the layers above (nn/aliases.py)
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "BatchNormalization",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "GroupNormalization",
    "LayerNormalization",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "RMSNormalization",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
]
