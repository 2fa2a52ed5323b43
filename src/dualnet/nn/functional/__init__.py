"""The functional API: ``dn.Input`` tensors flow through layers into ``dn.Model(inputs, outputs)``.

``symbolic.py``: the symbolic tensor and the recording of one layer call (a graph
node, with its output shapes found by running the layer once on zeros);
``graph.py``: the nodes an output needs, in order, compiled into flat steps;
``model.py``: ``Model``, a ``Module`` that runs those steps; ``config.py``: the
graph as JSON for ``dn.save`` (layers by registry only).
"""
