"""Rapid NICU trio genome workbench: rank a newborn's candidate genes and explain why.

Data flows one way: ``io`` -> ``model`` -> ``qc`` / ``inheritance`` / ``phenotype`` ->
``ranking`` -> ``store`` / ``report`` -> ``ui``.
"""

__version__ = "0.1.0"
