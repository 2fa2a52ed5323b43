"""Static conformance: every file of each built-in backend implements its concern's Protocol.

Nothing here runs. Under ``TYPE_CHECKING`` each backend module is assigned to
the Protocol of its concern, and mypy (which accepts modules as protocol
implementations) checks that the module has every declared function with
compatible types and arity. mypy ignores parameter names there, so
``tests/backend/test_contract.py`` checks names, order, kinds and defaults at
run time with :func:`dualnet.backend.api.check_backend`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dualnet.backend import api
    from dualnet.backend.tensorflow import (
        activations as tf_activations,
        attention as tf_attention,
        autograd as tf_autograd,
        batchnorm as tf_batchnorm,
        bitwise as tf_bitwise,
        building as tf_building,
        classes as tf_classes,
        complex as tf_complex,
        control as tf_control,
        conv as tf_conv,
        core as tf_core,
        creation as tf_creation,
        crossentropy as tf_crossentropy,
        data as tf_data,
        decoding as tf_decoding,
        decompositions as tf_decompositions,
        distributed as tf_distributed,
        export as tf_export,
        image as tf_image,
        indexing as tf_indexing,
        linalg as tf_linalg,
        manipulation as tf_manipulation,
        math as tf_math,
        nanreductions as tf_nanreductions,
        native as tf_native,
        nn as tf_nn,
        norms as tf_norms,
        optim as tf_optim,
        patches as tf_patches,
        pooling_adaptive as tf_pooling_adaptive,
        products as tf_products,
        random as tf_random,
        reductions as tf_reductions,
        rnn as tf_rnn,
        scattering as tf_scattering,
        searching as tf_searching,
        signal as tf_signal,
        special as tf_special,
        stacking as tf_stacking,
        statistics as tf_statistics,
        trainer as tf_trainer,
    )
    from dualnet.backend.torch import (
        activations as torch_activations,
        attention as torch_attention,
        autograd as torch_autograd,
        batchnorm as torch_batchnorm,
        bitwise as torch_bitwise,
        building as torch_building,
        classes as torch_classes,
        complex as torch_complex,
        control as torch_control,
        conv as torch_conv,
        core as torch_core,
        creation as torch_creation,
        crossentropy as torch_crossentropy,
        data as torch_data,
        decoding as torch_decoding,
        decompositions as torch_decompositions,
        distributed as torch_distributed,
        export as torch_export,
        image as torch_image,
        indexing as torch_indexing,
        linalg as torch_linalg,
        manipulation as torch_manipulation,
        math as torch_math,
        nanreductions as torch_nanreductions,
        native as torch_native,
        nn as torch_nn,
        norms as torch_norms,
        optim as torch_optim,
        patches as torch_patches,
        pooling_adaptive as torch_pooling_adaptive,
        products as torch_products,
        random as torch_random,
        reductions as torch_reductions,
        rnn as torch_rnn,
        scattering as torch_scattering,
        searching as torch_searching,
        signal as torch_signal,
        special as torch_special,
        stacking as torch_stacking,
        statistics as torch_statistics,
        trainer as torch_trainer,
    )

    _torch_core: api.CoreAPI = torch_core
    _torch_autograd: api.AutogradAPI = torch_autograd
    _torch_creation: api.CreationAPI = torch_creation
    _torch_math: api.MathAPI = torch_math
    _torch_reductions: api.ReductionsAPI = torch_reductions
    _torch_manipulation: api.ManipulationAPI = torch_manipulation
    _torch_indexing: api.IndexingAPI = torch_indexing
    _torch_linalg: api.LinalgAPI = torch_linalg
    _torch_nn: api.NNAPI = torch_nn
    _torch_conv: api.ConvAPI = torch_conv
    _torch_rnn: api.RNNAPI = torch_rnn
    _torch_random: api.RandomAPI = torch_random
    _torch_optim: api.OptimAPI = torch_optim
    _torch_data: api.DataAPI = torch_data
    _torch_trainer: api.TrainerAPI = torch_trainer
    _torch_export: api.ExportAPI = torch_export
    _torch_distributed: api.DistributedAPI = torch_distributed
    _torch_native: api.NativeAPI = torch_native
    _torch_decompositions: api.DecompositionsAPI = torch_decompositions
    _torch_activations: api.ActivationsAPI = torch_activations
    _torch_special: api.SpecialAPI = torch_special
    _torch_crossentropy: api.CrossentropyAPI = torch_crossentropy
    _torch_norms: api.NormsAPI = torch_norms
    _torch_classes: api.ClassesAPI = torch_classes
    _torch_patches: api.PatchesAPI = torch_patches
    _torch_pooling_adaptive: api.PoolingAdaptiveAPI = torch_pooling_adaptive
    _torch_attention: api.AttentionAPI = torch_attention
    _torch_decoding: api.DecodingAPI = torch_decoding
    _torch_image: api.ImageAPI = torch_image
    _torch_signal: api.SignalAPI = torch_signal
    _torch_scattering: api.ScatteringAPI = torch_scattering
    _torch_searching: api.SearchingAPI = torch_searching
    _torch_stacking: api.StackingAPI = torch_stacking
    _torch_building: api.BuildingAPI = torch_building
    _torch_products: api.ProductsAPI = torch_products
    _torch_control: api.ControlAPI = torch_control
    _torch_batchnorm: api.BatchNormAPI = torch_batchnorm

    _tf_core: api.CoreAPI = tf_core
    _tf_autograd: api.AutogradAPI = tf_autograd
    _tf_creation: api.CreationAPI = tf_creation
    _tf_math: api.MathAPI = tf_math
    _tf_reductions: api.ReductionsAPI = tf_reductions
    _tf_manipulation: api.ManipulationAPI = tf_manipulation
    _tf_indexing: api.IndexingAPI = tf_indexing
    _tf_linalg: api.LinalgAPI = tf_linalg
    _tf_nn: api.NNAPI = tf_nn
    _tf_conv: api.ConvAPI = tf_conv
    _tf_rnn: api.RNNAPI = tf_rnn
    _tf_random: api.RandomAPI = tf_random
    _tf_optim: api.OptimAPI = tf_optim
    _tf_data: api.DataAPI = tf_data
    _tf_trainer: api.TrainerAPI = tf_trainer
    _tf_export: api.ExportAPI = tf_export
    _tf_distributed: api.DistributedAPI = tf_distributed
    _tf_native: api.NativeAPI = tf_native
    _tf_decompositions: api.DecompositionsAPI = tf_decompositions
    _tf_activations: api.ActivationsAPI = tf_activations
    _tf_special: api.SpecialAPI = tf_special

    _torch_statistics: api.StatisticsAPI = torch_statistics
    _torch_nanreductions: api.NanReductionsAPI = torch_nanreductions
    _torch_bitwise: api.BitwiseAPI = torch_bitwise
    _torch_complex: api.ComplexAPI = torch_complex

    _tf_statistics: api.StatisticsAPI = tf_statistics
    _tf_nanreductions: api.NanReductionsAPI = tf_nanreductions
    _tf_bitwise: api.BitwiseAPI = tf_bitwise
    _tf_complex: api.ComplexAPI = tf_complex
    _tf_crossentropy: api.CrossentropyAPI = tf_crossentropy
    _tf_norms: api.NormsAPI = tf_norms
    _tf_classes: api.ClassesAPI = tf_classes
    _tf_patches: api.PatchesAPI = tf_patches
    _tf_pooling_adaptive: api.PoolingAdaptiveAPI = tf_pooling_adaptive
    _tf_attention: api.AttentionAPI = tf_attention
    _tf_decoding: api.DecodingAPI = tf_decoding
    _tf_image: api.ImageAPI = tf_image
    _tf_signal: api.SignalAPI = tf_signal
    _tf_scattering: api.ScatteringAPI = tf_scattering
    _tf_searching: api.SearchingAPI = tf_searching
    _tf_stacking: api.StackingAPI = tf_stacking
    _tf_building: api.BuildingAPI = tf_building
    _tf_products: api.ProductsAPI = tf_products
    _tf_control: api.ControlAPI = tf_control
    _tf_batchnorm: api.BatchNormAPI = tf_batchnorm
