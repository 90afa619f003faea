"""A phenotype for ranking tests that favours no disease, so only variant and inheritance evidence move."""
from __future__ import annotations


class NeutralPhenotype:
    def log10_lr(self, disease_id):
        return 0.0

    def terms(self, disease_id):
        return ()

    def unlinked_log10_lr(self):
        return 0.0
