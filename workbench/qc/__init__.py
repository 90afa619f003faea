"""Trio QC: call quality, sex and parentage checks from one pass over the VCF."""
from workbench.qc.trio_qc import ParentQC, SampleQC, TrioQC, summarise_trio

__all__ = ["ParentQC", "SampleQC", "TrioQC", "summarise_trio"]
