from types import MappingProxyType

from workbench.model import Call, Genotype, Sample, Sex, Trio, Variant


def test_allele_balance_from_read_counts():
    assert Call(Genotype.HET, ref_depth=10, alt_depth=30).allele_balance == 0.75
    assert Call(Genotype.HET, ref_depth=0, alt_depth=0).allele_balance is None
    assert Call(Genotype.NO_CALL).allele_balance is None


def test_family_kind_counts_sequenced_parents():
    child = Sample("P1", "F1", Sex.FEMALE, father_id="F", mother_id="M")
    assert Trio(child).family_kind == "singleton"
    assert Trio(child, mother=Sample("M", "F1", Sex.FEMALE)).family_kind == "duo"


def test_variant_key_is_chrom_pos_ref_alt():
    variant = Variant("chr1", 100, "A", "G", MappingProxyType({}))
    assert variant.key == "chr1:100:A:G"
    assert Genotype.HEMIZYGOUS.carries_alt and not Genotype.HOM_REF.carries_alt


def test_variants_pickle_with_read_only_calls():
    import pickle

    variant = Variant("chr1", 100, "A", "G", MappingProxyType({"P1": Call(Genotype.HET, 5, 6, 11, 99)}))
    copy = pickle.loads(pickle.dumps(variant))
    assert copy == variant and isinstance(copy.calls, MappingProxyType)
