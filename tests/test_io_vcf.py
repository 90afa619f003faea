"""Family VCF reading on tiny real-shaped files: per-allele genotypes, naming, formats, errors."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from workbench.io import InputError, ReadOptions, read_family_vcf, read_pedigree
from workbench.io.merge import merged_family_lines
from workbench.model import Genotype

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"
PED = FIXTURES / "io_trio.ped"
KEPT = ["chr1:1000:A:G", "chr1:4000:A:C", "chr2:5000:T:C", "chr3:200:CAG:C", "chr3:300:T:A",
        "chrX:3000000:G:T", "chrM:100:A:G"]


def read(name: str | list[str], ped: Path = PED, **options):
    vcf = [FIXTURES / n for n in name] if isinstance(name, list) else FIXTURES / name
    return read_family_vcf(vcf, read_pedigree(ped), options=ReadOptions(**options))


@pytest.mark.parametrize("name", ["io_trio.vcf", "io_trio_nochr.vcf.gz", "io_trio_bgzf.vcf.gz"])
def test_plain_gzip_bgzf_and_1_naming_give_the_same_rare_proband_alleles(name: str) -> None:
    calls = read(name)
    assert [v.key for v in calls.variants] == KEPT  # chr1 style, chrM for MT; common and non-carried dropped
    assert calls.records_read == 10 and calls.problems == () and calls.genome_build == "GRCh38"
    assert calls.annotation_source == "VEP CSQ"


def test_samples_are_matched_through_the_ped_not_column_order() -> None:
    de_novo = read("io_trio.vcf").variants[0]
    assert de_novo.calls["KID"].genotype is Genotype.HET
    assert de_novo.calls["DAD"].genotype is Genotype.HOM_REF and de_novo.calls["MUM"].genotype is Genotype.HOM_REF
    assert (de_novo.calls["KID"].ref_depth, de_novo.calls["KID"].alt_depth, de_novo.calls["KID"].quality) == (14, 16, 99)
    assert de_novo.source_line == 15  # 14 header lines


def test_population_frequency_is_never_info_af() -> None:
    by_key = {v.key: v for v in read("io_trio.vcf", max_population_af=1.0).variants}
    assert by_key["chr1:2000:C:T"].population_af == 0.3  # INFO/AF says 0.010: ignored
    assert by_key["chr1:1000:A:G"].population_af is None  # empty gnomADg_AF = not seen
    assert "chr1:2000:C:T" not in {v.key for v in read("io_trio.vcf", max_population_af=0.05).variants}


def test_multiallelic_site_is_split_per_allele_with_its_own_genotypes_and_depths() -> None:
    calls = read("io_trio.vcf", max_population_af=1.0)
    c, t = (next(v for v in calls.variants if v.key == k) for k in ("chr1:4000:A:C", "chr1:4000:A:T"))
    assert c.calls["KID"].genotype is Genotype.HET and t.calls["KID"].genotype is Genotype.HET  # 1/2
    assert c.calls["MUM"].genotype is Genotype.HOM_REF and t.calls["MUM"].genotype is Genotype.HET  # 0/2
    assert (c.calls["KID"].ref_depth, c.calls["KID"].alt_depth) == (10, 11)
    assert (t.calls["KID"].ref_depth, t.calls["KID"].alt_depth) == (10, 9)
    assert (c.population_af, t.population_af) == (0.001, 0.2)
    assert "chr1:4000:A:T" not in {v.key for v in read("io_trio.vcf").variants}  # common allele dropped


def test_haploid_calls_are_hemizygous_or_hom_ref_and_missing_fields_are_none() -> None:
    by_key = {v.key: v for v in read("io_trio.vcf").variants}
    x = by_key["chrX:3000000:G:T"]
    assert x.calls["KID"].genotype is Genotype.HEMIZYGOUS and x.calls["DAD"].genotype is Genotype.HOM_REF
    assert by_key["chrM:100:A:G"].calls["MUM"].genotype is Genotype.HEMIZYGOUS
    gt_only = by_key["chr3:300:T:A"].calls["KID"]
    assert gt_only.genotype is Genotype.HET and gt_only.depth is None and gt_only.allele_balance is None


def test_per_person_vcfs_merge_by_position_and_allele_absent_is_no_call() -> None:
    people = ["io_person_kid.vcf", "io_person_dad.vcf", "io_person_mum.vcf"]
    merged = read(people)
    assert [v.key for v in merged.variants] == KEPT
    de_novo = merged.variants[0]
    assert de_novo.calls["DAD"].genotype is Genotype.NO_CALL  # the father's file has no record there
    assert de_novo.source_line == 15  # line in the proband's own file
    assert read(people, absent_as_ref=True).variants[0].calls["DAD"].genotype is Genotype.HOM_REF
    joint = {v.key: v for v in read("io_trio.vcf").variants}
    for v in merged.variants[1:]:
        assert dict(v.calls) == dict(joint[v.key].calls) and v.population_af == joint[v.key].population_af


def test_per_person_vcfs_keep_a_phased_gt_phased_in_the_merged_records(tmp_path: Path) -> None:
    kid = tmp_path / "io_person_kid.vcf"
    kid.write_text((FIXTURES / "io_person_kid.vcf").read_text().replace("\t0/1:14,16:", "\t0|1:14,16:"))
    people = [kid, FIXTURES / "io_person_dad.vcf", FIXTURES / "io_person_mum.vcf"]
    trio = read_pedigree(PED).trio(None)
    _, batches, _, _ = merged_family_lines(people, trio, ReadOptions())
    first = next(line for lines, _ in batches for line in lines)
    assert first.startswith("chr1\t1000\t") and first.split("\t")[9].startswith("0|1:")


def test_malformed_gt_in_a_per_person_vcf_is_a_named_problem_like_the_joint_path() -> None:
    people = ["io_person_kid.vcf", "io_person_dad_bad_gt.vcf", "io_person_mum.vcf"]
    merged = read(people)
    assert [(Path(p.file).name, p.line, p.message) for p in merged.problems] == [
        ("io_person_dad_bad_gt.vcf", 18, "genotype '0/x' is not a VCF GT value")]
    assert merged.problem_count == 1 and [v.key for v in merged.variants] == KEPT
    site = {v.key: v for v in merged.variants}["chr2:5000:T:C"]
    assert site.calls["DAD"].genotype is Genotype.NO_CALL and site.calls["KID"].genotype is Genotype.HOM_ALT
    # a bad call is unknown, never "absent, so reference"
    as_ref = {v.key: v for v in read(people, absent_as_ref=True).variants}["chr2:5000:T:C"]
    assert as_ref.calls["DAD"].genotype is Genotype.NO_CALL
    with pytest.raises(InputError, match=r"io_person_dad_bad_gt\.vcf line 18: genotype '0/x' is not a VCF GT value "
                                         r"\(strict mode"):
        read(people, strict=True)


def test_truncated_gzip_names_the_file_and_last_line() -> None:
    with pytest.raises(InputError, match=r"io_truncated\.vcf\.gz: the compressed file is damaged or truncated "
                                         r"after line \d+"):
        read("io_truncated.vcf.gz")


def test_wrong_column_count_is_counted_or_fatal_in_strict_mode() -> None:
    calls = read("io_bad_columns.vcf")
    assert calls.problem_count == 1 and calls.records_read == 9
    assert str(calls.problems[0]).endswith("io_bad_columns.vcf line 15: expected 12 tab-separated columns, found 11")
    with pytest.raises(InputError, match=r"io_bad_columns\.vcf line 15: expected 12 tab-separated columns"):
        read("io_bad_columns.vcf", strict=True)


def test_pedigree_sample_missing_from_the_vcf_is_named() -> None:
    with pytest.raises(InputError, match=r"io_trio\.vcf: MUM2 \(mother\) from the pedigree is not a sample in the "
                                         r"VCF \(its samples: MUM, KID, DAD\)"):
        read("io_trio.vcf", ped=FIXTURES / "io_missing_sample.ped")


def test_pedigree_sample_missing_from_per_person_vcfs_is_named_in_the_same_words() -> None:
    with pytest.raises(InputError, match=r"^MUM2 \(mother\) from the pedigree is not a sample in any of the VCF files "
                                         r"\(.*io_person_kid\.vcf, .*io_person_dad\.vcf\)"):
        read(["io_person_kid.vcf", "io_person_dad.vcf"], ped=FIXTURES / "io_missing_sample.ped")


def test_empty_and_header_only_vcfs_are_refused() -> None:
    with pytest.raises(InputError, match=r"io_empty\.vcf: the file is empty"):
        read("io_empty.vcf")
    with pytest.raises(InputError, match=r"io_header_only\.vcf: the VCF has no variant records"):
        read("io_header_only.vcf")


@pytest.mark.parametrize("name, evidence", [("io_grch37.vcf", "contig chr1 has the GRCh37 length 249250621"),
                                            ("io_grch37_reference.vcf", "hs37d5")])
def test_grch37_is_refused(name: str, evidence: str) -> None:
    with pytest.raises(InputError, match=rf"{name}: this VCF is on GRCh37/hg19 .*{evidence}.*needs GRCh38"):
        read(name)


@pytest.mark.benchmark_data
def test_benchmark_cases_keep_the_causal_variant_and_pass_qc(simulated_cases: Path) -> None:
    with open(simulated_cases / "manifest.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        truth = json.loads((Path(row["vcf"]).parent / "truth.json").read_text())
        calls = read_family_vcf(row["vcf"], read_pedigree(row["ped"]), row["proband"])
        keys = {v.key for v in calls.variants}
        assert all(f"{t['chrom']}:{t['pos']}:{t['ref']}:{t['alt']}" in keys for t in truth["variants"])
        assert calls.qc.alarms == () and calls.problem_count == 0


def test_file_level_doubts_are_warnings_not_record_problems(tmp_path: Path) -> None:
    text = (FIXTURES / "io_trio.vcf").read_text()
    bare = "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(("##reference", "##contig", "##INFO=<ID=CSQ")))
    path = tmp_path / "bare.vcf"
    path.write_text(bare)
    calls = read_family_vcf(path, read_pedigree(PED))
    assert calls.problems == () and calls.problem_count == 0 and calls.genome_build == "GRCh38 (assumed)"
    assert any("does not say which genome build" in w for w in calls.warnings)
    assert any("no VEP/SnpEff/bcftools annotation" in w for w in calls.warnings)
    assert calls.annotation_source.startswith("none")


def test_odd_records_take_the_exact_path_and_agree_with_it() -> None:
    from workbench.io import vcf as vcf_module
    from workbench.io.vcf_text import decompressed_pieces, line_chunks, split_header

    path = FIXTURES / "io_odd_records.vcf"
    calls = read_family_vcf(path, read_pedigree(PED))
    by_key = {v.key: v for v in calls.variants}
    assert sorted(by_key) == ["chr1:100:A:G", "chr1:300:A:ACCG", "chr2:500:G:A"]  # chr1:200 is common (0.4)
    assert by_key["chr1:300:A:ACCG"].calls["KID"].genotype is Genotype.HET  # GT 0/11
    assert by_key["chr2:500:G:A"].population_af == 0.02  # '0.01&0.02': the larger
    assert calls.records_read == 5 and calls.problem_count == 0
    # the same lines through the per-line path give the same tally and Variants
    chunks = line_chunks(decompressed_pieces(path, "plain"), str(path))
    header, rest, first = split_header(chunks, str(path))
    parser = vcf_module.AnnotationParser.from_header(header.text)
    fast, exact = (vcf_module._Scanner(header, read_pedigree(PED).trio(), parser, ReadOptions(), str(path))
                   for _ in range(2))
    fast.scan_bytes(rest, first)
    exact.scan(rest.decode().split("\n")[:-1], first)
    assert (fast.result.tally == exact.result.tally).all() and fast.result.variants == exact.result.variants


def test_a_male_homozygous_call_outside_the_pars_is_hemizygous_a_female_one_is_not(tmp_path: Path) -> None:
    # callers write diploid 1/1 for a male's X: he has one X, so the report must say hemizygous
    text = (FIXTURES / "inh_x_male.vcf").read_text().replace(
        "0/1:15,15:30:99\t1/1:0,30:30:99\t0/0:30,0:30:99", "1/1:0,30:30:99\t1/1:0,30:30:99\t0/0:30,0:30:99")
    path = tmp_path / "x_calls.vcf"
    path.write_text(text)
    by_key = {v.key: v for v in read_family_vcf(path, read_pedigree(FIXTURES / "inh_trio.ped")).variants}
    kid_and_mum = by_key["chrX:32000000:G:A"].calls
    assert kid_and_mum["KID"].genotype is Genotype.HEMIZYGOUS
    assert kid_and_mum["MUM"].genotype is Genotype.HOM_ALT  # two X chromosomes
    assert by_key["chrX:33000000:G:A"].calls["KID"].genotype is Genotype.HEMIZYGOUS
    assert by_key["chrX:1500000:G:A"].calls["KID"].genotype is Genotype.HET  # PAR1: diploid in males
