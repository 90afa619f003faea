"""Penetrance in the inheritance evidence (issue 17): which disease counts as incompletely
penetrant, and the plain words that say where a single allele came from.

HPO records some diseases as 'Typified by incomplete penetrance' (HP:0003829, loaded by
:mod:`workbench.knowledge` as ``Disease.incomplete_penetrance``). For such a dominant disease a
heterozygous allele from a parent the PED calls unaffected is an expected way for the child to
be affected; for a fully penetrant one it is unusual (:func:`workbench.ranking.evidence.mode_probability`).
"""
from __future__ import annotations

from workbench.model import Disease, Genotype, InheritanceMode, Trio, Variant

_CARRIES = (Genotype.HET, Genotype.HOM_ALT, Genotype.HEMIZYGOUS)


def judged_penetrance(disease: Disease | None, gene_diseases: tuple[Disease, ...], borrowed: bool) -> bool:
    """Whether the inheritance is judged as incompletely penetrant: the entry's own record, or,
    when the entry records no inheritance and the gene's other diseases stand in for it, theirs.

    >>> plain, partial = Disease("ORPHA:1", "a"), Disease("OMIM:2", "a", incomplete_penetrance=True)
    >>> [judged_penetrance(plain, (plain, partial), borrowed) for borrowed in (True, False)]
    [True, False]
    """
    if disease is None:
        return False
    return disease.incomplete_penetrance or (borrowed and any(d.incomplete_penetrance for d in gene_diseases))


def transmitting_parent(variants: tuple[Variant, ...], trio: Trio) -> str | None:
    """'father' or 'mother': the sequenced parent whose call carries the (first) allele, if one does."""
    for variant in variants[:1]:
        for role, parent in (("father", trio.father), ("mother", trio.mother)):
            call = variant.calls.get(parent.id) if parent is not None else None
            if call is not None and call.genotype in _CARRIES:
                return role
    return None


def origin_words(mode: InheritanceMode, variants: tuple[Variant, ...], trio: Trio, groups: frozenset[str],
                 incomplete_penetrance: bool) -> str:
    """A plain sentence on where a single inherited allele came from and what that says, or ''.

    e.g. 'Inherited from the unaffected father; this disease is recorded with incomplete
    penetrance: a parent can carry it and stay healthy.'
    """
    if mode not in (InheritanceMode.REDUCED_PENETRANCE, InheritanceMode.DOMINANT_INHERITED):
        return ""
    parent = transmitting_parent(variants, trio) or "parent"
    state = "unaffected" if mode is InheritanceMode.REDUCED_PENETRANCE else "affected"
    words = f"Inherited from the {state} {parent}"
    if mode is InheritanceMode.REDUCED_PENETRANCE and "dominant" in groups:
        words += ("; this disease is recorded with incomplete penetrance: a parent can carry it and stay healthy"
                  if incomplete_penetrance else
                  "; this disease is not recorded with incomplete penetrance: a healthy parent carrying it is unusual")
    return words + "."
