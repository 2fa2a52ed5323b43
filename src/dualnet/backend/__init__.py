"""Backends: the protocol, the registry, and one package per framework.

Importing this package imports no framework; see :mod:`dualnet.backend.registry`.
"""
