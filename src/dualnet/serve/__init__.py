"""``dualnet.serve``: a model saved with ``dn.save`` behind TF Serving's REST API and the KServe v2 protocol.

``dualnet serve MODEL_FILE`` runs it from the command line (see
``docs/guides/deploying.md``); :func:`create_app` builds the same ASGI app
(Starlette) for a model in hand, to run with any ASGI server or mount in
another app. Needs the ``serve`` extra (``pip install 'dualnet[serve]'``);
``import dualnet`` does not import this package.
"""

from dualnet.serve.app import create_app

__all__ = ["create_app"]
