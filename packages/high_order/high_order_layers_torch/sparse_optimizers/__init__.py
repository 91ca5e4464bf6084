"""Optimizers that only touch the entries a step actually used."""

from .sparse_lion import SparseLion

__all__ = ["SparseLion"]
