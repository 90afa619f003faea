"""Reading for ranking: alleles in no gene are left out, mostly before any object is built."""
from __future__ import annotations

from pathlib import Path

from workbench.io import ReadOptions, read_family_vcf, read_pedigree
from workbench.io import vcf as vcf_module

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"
HEADER = (FIXTURES / "inh_de_novo.vcf").read_text().split("#CHROM")[0] + \
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tMUM\tKID\tDAD\n"
CALLS = "GT:AD:DP:GQ\t0/0:30,0:30:99\t0/1:15,15:30:99\t0/1:15,15:30:99"
RECORDS = [
    ("1000", "C", "T", "T|intergenic_variant|MODIFIER|||||"),                        # no gene: dropped vectorised
    ("2000", "G", "A", "A|missense_variant|MODERATE|GENEA|ENSG_GENEA|NM_A.1|0.001"),  # a gene: kept
    ("3000", "A", "G", "G|regulatory_region_variant|MODIFIER||||,G|intron_variant|MODIFIER|GENEB|ENSG_GENEB||"),
    ("4000", "T", "C", "C|regulatory_region_variant|MODIFIER||||,C|intergenic_variant|MODIFIER||||"),  # exact path
    ("5000", "C", "A", "A|upstream_gene_variant|MODIFIER||ENSG_GENEC||"),           # gene id only: kept
    ("6000", "G", "T", "T|intergenic_variant"),                                    # fields missing: exact path
    ("7000", "A", "C,T", "C|intergenic_variant|MODIFIER||||,T|missense_variant|MODERATE|GENED|ENSG_GENED||"),
    ("8000", "C", "G", "G|intergenic_variant|MODIFIER|||||0.2"),                    # common: never kept
]


def _vcf(tmp_path: Path) -> Path:
    lines = [f"chr2\t{pos}\t.\t{ref}\t{alt}\t200\tPASS\tAF=0.3;CSQ={csq}\t" +
             (CALLS if "," not in alt else CALLS.replace("0/1:15,15", "1/2:0,15,15", 1).replace(":30,0:", ":30,0,0:"))
             for pos, ref, alt, csq in RECORDS]
    path = tmp_path / "genic.vcf"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return path


def test_genic_only_keeps_exactly_the_alleles_with_a_gene_and_the_same_qc(tmp_path, monkeypatch):
    path, ped = _vcf(tmp_path), read_pedigree(FIXTURES / "inh_trio.ped")
    flagged = []
    real = vcf_module.single_entry_without_gene
    monkeypatch.setattr(vcf_module, "single_entry_without_gene",
                        lambda *a: flagged.append(real(*a)) or flagged[-1])
    everything = read_family_vcf(path, ped)
    genic = read_family_vcf(path, ped, options=ReadOptions(genic_only=True))
    assert genic.variants == tuple(v for v in everything.variants if v.consequences)
    assert [v.pos for v in genic.variants] == [2000, 3000, 5000, 7000]
    assert [v.alt for v in genic.variants if v.pos == 7000] == ["T"]
    # the two plain intergenic records (rare and common) are recognised before any Variant is built;
    # the others with no gene (several entries, missing fields) are left to the exact path
    assert sum(int(f.sum()) for f in flagged) == 2
    assert genic.records_read == everything.records_read == len(RECORDS)
    assert genic.qc == everything.qc and genic.problems == everything.problems
