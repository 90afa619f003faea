"""The CDS Hooks service (``workbench serve-cds``): a thin web layer over the store's signed reports."""
from workbench.cds.service import SERVICES, create_app, discovery, identify_drugs

__all__ = ["SERVICES", "create_app", "discovery", "identify_drugs"]
