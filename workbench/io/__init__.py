"""Readers at the boundary: VCF, PED, annotation, phenopackets and uploads -> workbench.model."""
from workbench.io.errors import InputError, InputProblem
from workbench.io.ped import Pedigree, read_pedigree
from workbench.io.uploads import UploadCheck, check_upload
from workbench.io.vcf import FamilyCalls, ReadOptions, read_family_vcf

__all__ = ["FamilyCalls", "InputError", "InputProblem", "Pedigree", "ReadOptions", "UploadCheck", "check_upload",
           "read_family_vcf", "read_pedigree"]
