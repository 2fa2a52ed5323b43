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
        autograd as tf_autograd,
        control as tf_control,
        conv as tf_conv,
        core as tf_core,
        creation as tf_creation,
        data as tf_data,
        decompositions as tf_decompositions,
        distributed as tf_distributed,
        export as tf_export,
        indexing as tf_indexing,
        linalg as tf_linalg,
        manipulation as tf_manipulation,
        math as tf_math,
        native as tf_native,
        nn as tf_nn,
        optim as tf_optim,
        random as tf_random,
        reductions as tf_reductions,
        rnn as tf_rnn,
        special as tf_special,
        trainer as tf_trainer,
    )
    from dualnet.backend.torch import (
        activations as torch_activations,
        autograd as torch_autograd,
        control as torch_control,
        conv as torch_conv,
        core as torch_core,
        creation as torch_creation,
        data as torch_data,
        decompositions as torch_decompositions,
        distributed as torch_distributed,
        export as torch_export,
        indexing as torch_indexing,
        linalg as torch_linalg,
        manipulation as torch_manipulation,
        math as torch_math,
        native as torch_native,
        nn as torch_nn,
        optim as torch_optim,
        random as torch_random,
        reductions as torch_reductions,
        rnn as torch_rnn,
        special as torch_special,
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
    _torch_control: api.ControlAPI = torch_control

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
    _tf_control: api.ControlAPI = tf_control
