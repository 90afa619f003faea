"""The bad-input suite: every malformed or tricky input gets a clear message naming the problem, or the
correct result; never a traceback, and never a wrong ranking without a warning (issue 21).

Each case writes one tiny real-shaped file (a trio VCF with VEP CSQ, GRCh38 contigs) with
:func:`trio_vcf`; one test per input class. Add a case here for every new bad input found.
"""
from __future__ import annotations

import gzip
import io
import json
import struct
import subprocess
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.inheritance import analyse_inheritance
from workbench.io import InputError, ReadOptions, read_family_vcf, read_pedigree
from workbench.io.bgzf import block_offsets
from workbench.io.phenopacket import read_phenopacket
from workbench.model import InheritanceMode, PhenotypeProfile, Sex
from workbench.notepad import Level

CSQ = "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|MANE_SELECT|gnomADg_AF"
CONTIGS = {"chr2": 242193529, "chr7": 159345973, "chr15": 101991189, "chrX": 156040895}
SAMPLES = ("dad", "kid", "mum")
TRIO_PED = "FAM\tkid\tdad\tmum\t1\t2\nFAM\tdad\t0\t0\t1\t1\nFAM\tmum\t0\t0\t2\t1\n"
SEIZURES = "HP:0001250,HP:0002133"


def trio_vcf(records: list[str], contigs: dict[str, int] | None = CONTIGS, reference: bool = True,
             chrom_line_end: str = "") -> str:
    """A joint trio VCF (columns dad, kid, mum) around ``records`` (tab-separated lines)."""
    head = ["##fileformat=VCFv4.2"] + (["##reference=GRCh38"] if reference else [])
    head += [f"##contig=<ID={name},length={length}>" for name, length in (contigs or {}).items()]
    head += [f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
             f'Format: {CSQ}">',
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
             '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(SAMPLES) + chrom_line_end]
    return "\n".join(head + records) + "\n"


def record(chrom: str, pos: int | str, ref: str, alt: str, gene: str, dad: str, kid: str, mum: str,
           consequence: str = "missense_variant", af: str = "") -> str:
    impact = {"frameshift_variant": "HIGH", "stop_gained": "HIGH"}.get(consequence, "MODERATE")
    info = f"CSQ={alt}|{consequence}|{impact}|{gene}|ENSG0|Transcript|ENST0|protein_coding|||ENST0|{af}"
    return "\t".join([chrom, str(pos), ".", ref, alt, "500", "PASS", info, "GT:AD:DP:GQ", dad, kid, mum])


HOM_REF, HET = "0/0:30,0:30:99", "0/1:15,15:30:99"
DE_NOVO_SCN1A = record("chr2", 166000000, "A", "AT", "SCN1A", HOM_REF, HET, HOM_REF, "frameshift_variant")
MATERNAL_CFTR = record("chr7", 117559590, "C", "T", "CFTR", HOM_REF, HET, HET, "stop_gained", "0.0004")


def write(tmp_path: Path, text: str, name: str = "trio.vcf", ped: str = TRIO_PED) -> tuple[Path, Path]:
    vcf = tmp_path / name
    vcf.write_text(text, encoding="utf-8")
    (tmp_path / "trio.ped").write_text(ped)
    return vcf, tmp_path / "trio.ped"


def read(vcf: Path, ped: Path, **options):
    return read_family_vcf(vcf, read_pedigree(ped), options=ReadOptions(**options))


def bgzip(path: Path) -> Path:
    subprocess.run(["bgzip", "-f", str(path)], check=True)
    return path.with_name(path.name + ".gz")


def filler(n: int) -> list[str]:
    """Records the proband does not carry (enough of them to fill several BGZF blocks)."""
    return [record("chr15", 1000 + i, "G", "A", "FBN1", HET, HOM_REF, HOM_REF) for i in range(n)]


@pytest.fixture(scope="module")
def knowledge():
    from workbench.knowledge import load_knowledge

    return load_knowledge()


def rank(vcf, ped, knowledge, observed=("HP:0001250",), excluded=()):
    from workbench.ranking import analyse_case

    analysis = analyse_case(vcf, ped, knowledge=knowledge, use_cache=False)
    return analysis.rank(PhenotypeProfile(observed=tuple(observed), excluded=tuple(excluded)))


# -- 1. silent wrong results -------------------------------------------------------------------
def test_a_duplicate_record_is_read_once_with_a_warning_naming_both_lines(tmp_path):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, MATERNAL_CFTR, MATERNAL_CFTR]))
    calls = read(vcf, ped)
    assert [v.key for v in calls.variants] == ["chr2:166000000:A:AT", "chr7:117559590:C:T"]
    assert any("chr7:117559590:C:T" in w and "line 14" in w and "line 15" in w for w in calls.warnings)


def test_a_duplicated_variant_never_pairs_with_itself_into_a_compound_heterozygote(tmp_path):
    vcf, ped = write(tmp_path, trio_vcf([MATERNAL_CFTR]))
    calls = read(vcf, ped)
    twice = calls.variants * 2  # as a reader that does not dedupe would hand them over
    result = analyse_inheritance(twice, calls.trio)
    assert not [c for c in result.candidates if len(c.variants) == 2]


def test_duplicates_reach_the_ranking_warnings(tmp_path, knowledge):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, MATERNAL_CFTR, MATERNAL_CFTR]))
    ranking = rank(vcf, ped, knowledge)
    assert all(g.mode is not InheritanceMode.COMPOUND_HETEROZYGOUS for g in ranking.genes)
    assert any("twice" in w and "chr7:117559590:C:T" in w for w in ranking.warnings)


def test_a_bgzf_file_cut_at_a_block_boundary_is_an_error_for_ranking(tmp_path, knowledge):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A] + filler(3000) + [MATERNAL_CFTR]))
    whole = bgzip(vcf)
    offsets = block_offsets(whole)
    assert len(offsets) > 3
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(whole.read_bytes()[:offsets[2]])  # two whole blocks, no EOF marker
    calls = read(cut, ped)  # QC can still look at what is there ...
    assert any(i.level is Level.ERROR and "end-of-file marker" in i.message for i in calls.issues)
    with pytest.raises(InputError, match=r"cut\.vcf\.gz: .*end-of-file marker is missing"):
        rank(cut, ped, knowledge)  # ... but ranking half a genome is refused


def test_a_plain_vcf_cut_mid_line_is_an_error_for_ranking(tmp_path, knowledge):
    text = trio_vcf([DE_NOVO_SCN1A] + filler(20) + [MATERNAL_CFTR])
    vcf, ped = write(tmp_path, text[:-40])  # the last record cut short, no newline at the end
    calls = read(vcf, ped)
    assert any(i.level is Level.ERROR and "cut short" in i.message for i in calls.issues)
    with pytest.raises(InputError, match=r"trio\.vcf: the last line \(34\) .* cut short"):
        rank(vcf, ped, knowledge)
    vcf.write_text(text.rstrip("\n"))  # complete, only the final newline missing: fine
    assert not read(vcf, ped).issues


def test_a_per_person_vcf_cut_short_is_an_error_too(tmp_path):
    kid = trio_vcf([DE_NOVO_SCN1A] + filler(3000)).replace("\tdad\tkid\tmum", "\tkid")
    kid = "\n".join(line.rsplit("\t", 2)[0] if line.startswith("chr") else line for line in kid.splitlines()) + "\n"
    (tmp_path / "kid.vcf").write_text(kid)
    whole = bgzip(tmp_path / "kid.vcf")
    cut = tmp_path / "kid_cut.vcf.gz"
    cut.write_bytes(whole.read_bytes()[:block_offsets(whole)[2]])
    parent = tmp_path / "parents.vcf"
    parent.write_text(trio_vcf([DE_NOVO_SCN1A]).replace("\tdad\tkid\tmum", "\tdad\tmum").replace(
        f"\t{HET}\t{HOM_REF}", f"\t{HOM_REF}")[:-30])  # and this one is cut mid-line
    (tmp_path / "trio.ped").write_text(TRIO_PED)
    calls = read_family_vcf([cut, parent], read_pedigree(tmp_path / "trio.ped"))
    errors = [i.message for i in calls.issues if i.level is Level.ERROR]
    assert len(errors) == 2 and "kid_cut.vcf.gz: the BGZF end-of-file marker is missing" in errors[0]
    assert "parents.vcf: the last line has no newline" in errors[1]


def test_reader_warnings_reach_the_ranking_the_cli_and_both_output_headers(tmp_path, knowledge, capsys):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, MATERNAL_CFTR], reference=False, contigs=None))
    ranking = rank(vcf, ped, knowledge)
    assert any("does not say which genome build" in w for w in ranking.warnings)
    assert any(i.section == "vcf" for i in ranking.issues)
    out = tmp_path / "ranked.tsv"
    assert main(["rank", "--vcf", str(vcf), "--ped", str(ped), "--hpo", SEIZURES, "--out", str(out),
                 "--no-cache"]) == 0
    assert "does not say which genome build" in capsys.readouterr().err
    lines = out.read_text().splitlines()
    assert lines[0].startswith("## warning") and any("genome build" in line for line in lines if line[:1] == "#")
    assert [line for line in lines if not line.startswith("#")][1].split("\t")[1] == "SCN1A"
    out_json = tmp_path / "ranked.json"
    assert main(["rank", "--vcf", str(vcf), "--ped", str(ped), "--hpo", SEIZURES, "--format", "json",
                 "--out", str(out_json), "--no-cache"]) == 0
    data = json.loads(out_json.read_text())
    assert any("genome build" in i["message"] and i["level"] == "warning" for i in data["issues"])


def _x_calls(kid_het: bool, n: int = 30) -> list[str]:
    """Common chrX (non-PAR) SNVs: a girl is heterozygous at many, a boy at none."""
    kid = HET if kid_het else "1/1:0,30:30:99"
    return [record("chrX", 40_000_000 + 1000 * i, "C", "T", "NONE", HET, kid, HET, "intron_variant", "0.3")
            for i in range(n)]


OTC_MATERNAL = record("chrX", 38_400_000, "G", "A", "OTC", HOM_REF, HET, HET)


def test_unknown_ped_sex_uses_the_genetic_sex_and_a_girls_x_is_never_hemizygous(tmp_path, knowledge):
    ped = TRIO_PED.replace("FAM\tkid\tdad\tmum\t1\t2", "FAM\tkid\tdad\tmum\t0\t2")
    vcf, ped_path = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, OTC_MATERNAL] + _x_calls(kid_het=True)), ped=ped)
    ranking = rank(vcf, ped_path, knowledge)
    otc = [g for g in ranking.genes if g.gene_symbol == "OTC"]
    assert all(g.mode is not InheritanceMode.X_LINKED_HEMIZYGOUS for g in otc)
    assert any("sex" in w and "female" in w and "chrX" in w for w in ranking.warnings)


def test_a_ped_boy_whose_chrx_looks_female_is_analysed_as_female_with_both_warnings(tmp_path, knowledge):
    vcf, ped_path = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, OTC_MATERNAL] + _x_calls(kid_het=True)))
    ranking = rank(vcf, ped_path, knowledge)
    assert all(g.mode is not InheritanceMode.X_LINKED_HEMIZYGOUS for g in ranking.genes if g.gene_symbol == "OTC")
    assert any("says male" in w and "analysed as female" in w for w in ranking.warnings)
    assert any("Sex mismatch" in w for w in ranking.warnings)


def test_unknown_sex_everywhere_is_said_in_the_ranking(tmp_path, knowledge):
    ped = TRIO_PED.replace("FAM\tkid\tdad\tmum\t1\t2", "FAM\tkid\tdad\tmum\t0\t2")
    vcf, ped_path = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, OTC_MATERNAL]), ped=ped)
    ranking = rank(vcf, ped_path, knowledge)
    assert any("proband sex unknown" in w for w in ranking.warnings)


def test_a_term_both_observed_and_excluded_is_refused_by_the_cli(tmp_path, capsys):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A]))
    assert main(["rank", "--vcf", str(vcf), "--ped", str(ped), "--hpo", "HP:0001250,HP:0002133",
                 "--exclude-hpo", "HP:0002133", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "HP:0002133" in err and "both observed and excluded" in err and "Traceback" not in err


def test_a_term_both_observed_and_excluded_in_a_phenopacket_is_refused():
    packet = {"id": "p", "subject": {"id": "kid"}, "phenotypicFeatures": [
        {"type": {"id": "HP:0001250"}}, {"type": {"id": "HP:0001250"}, "excluded": True}]}
    with pytest.raises(InputError, match=r"HP:0001250 is given both observed and excluded"):
        read_phenopacket(io.StringIO(json.dumps(packet)))


def test_a_conflict_after_mapping_obsolete_ids_is_a_loud_warning_with_a_defined_outcome(knowledge):
    from workbench.ranking.case import resolve_profile

    profile, warnings = resolve_profile(PhenotypeProfile(observed=("HP:0001250",), excluded=("HP:0001250",)),
                                        knowledge.hpo)
    assert profile.observed == ("HP:0001250",) and profile.excluded == ()
    assert any("HP:0001250" in w and "both observed and excluded" in w for w in warnings)


def test_a_term_both_observed_and_excluded_in_a_manifest_row_fails_that_case(tmp_path, capsys):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A]))
    manifest = _manifest(tmp_path, [f"c1\t{vcf}\t{ped}\tkid\t{SEIZURES}\tHP:0001250"])
    assert main(["rank", "--manifest", str(manifest), "--outdir", str(tmp_path / "out")]) == 1
    assert "line 2: HP:0001250 is given both observed and excluded" in capsys.readouterr().err
    assert not (tmp_path / "out" / "c1.tsv").exists()


def _manifest(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "manifest.tsv"
    path.write_text("case_id\tvcf\tped\tproband\thpo\texcluded_hpo\n" + "".join(r + "\n" for r in rows))
    return path


def test_a_repeated_manifest_case_id_is_refused_and_keeps_the_first_output(tmp_path, capsys):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, MATERNAL_CFTR]))
    manifest = _manifest(tmp_path, [f"c1\t{vcf}\t{ped}\tkid\t{SEIZURES}\t",
                                    f"c1\t{vcf}\t{ped}\tkid\tHP:0001166\t"])
    assert main(["rank", "--manifest", str(manifest), "--outdir", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err and "c1" in err and "line 2" in err
    first = [line for line in (tmp_path / "out" / "c1.tsv").read_text().splitlines() if line[:1] != "#"]
    assert first[1].split("\t")[1] == "SCN1A"


# -- 2. tracebacks ----------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["1e400", "-3", "nan"])
def test_a_huge_or_negative_depth_is_a_named_record_problem_not_an_overflow(tmp_path, value):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, record("chr7", 117559590, "C", "T", "CFTR", HOM_REF,
                                                               f"0/1:15,{value}:30:99", HET)]))
    calls = read(vcf, ped)
    assert calls.problem_count == 1 and calls.problems[0].line == 14 and value in calls.problems[0].message
    with pytest.raises(InputError, match=rf"trio\.vcf line 14: .*{value}"):
        read(vcf, ped, strict=True)


def test_a_200_character_chromosome_name_is_read_not_an_index_error(tmp_path):
    long_name = "chrUn_" + "x" * 194
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, record(long_name, 5, "C", "T", "X", HOM_REF, HET, HET)]
                                        + filler(5)))
    calls = read(vcf, ped)
    assert calls.records_read == 7


def test_a_short_manifest_row_names_the_line_and_the_missing_columns(tmp_path, capsys):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A]))
    manifest = _manifest(tmp_path, [f"good\t{vcf}\t{ped}\tkid\t{SEIZURES}\t", "short\tonly.vcf"])
    assert main(["rank", "--manifest", str(manifest), "--outdir", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err and "ped" in err and "TypeError" not in err and "NoneType" not in err
    assert (tmp_path / "out" / "good.tsv").exists()


# -- 3. invalid data accepted ------------------------------------------------------------------
@pytest.mark.parametrize("pos, contigs, problem", [
    ("0", CONTIGS, "position 0"),
    ("-5", CONTIGS, "position -5"),
    ("242193530", CONTIGS, "past the end of chr2 (242193529"),
    ("242193530", None, "past the end of chr2 (242193529"),  # GRCh38 lengths when the header has none
    ("12x", CONTIGS, "position '12x'"),
])
def test_an_impossible_position_is_a_named_record_problem(tmp_path, pos, contigs, problem):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, record("chr2", pos, "C", "T", "SCN1A", HOM_REF, HET, HET)],
                                        contigs=contigs))
    calls = read(vcf, ped)
    assert [v.pos for v in calls.variants] == [166000000]
    assert calls.problem_count == 1 and problem in calls.problems[0].message, calls.problems


@pytest.mark.parametrize("kid", ["0/2:15,15:30:99", "2:15,15:30:99", "0/12:15,15:30:99"])
def test_a_genotype_allele_beyond_the_alt_alleles_is_a_named_record_problem(tmp_path, kid):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, record("chr7", 117559590, "C", "T", "CFTR", HOM_REF, kid,
                                                               HET)] + filler(3)))
    calls = read(vcf, ped)
    assert [v.pos for v in calls.variants] == [166000000]
    assert calls.problem_count == 1 and "allele" in calls.problems[0].message
    assert calls.problems[0].line == 14


def test_a_parents_genotype_allele_beyond_the_alt_alleles_is_a_problem_too(tmp_path):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A, record("chr7", 117559590, "C", "T", "CFTR", "0/3:1,1:2:9",
                                                               HOM_REF, HOM_REF)] + filler(3)))
    calls = read(vcf, ped)
    assert calls.problem_count == 1 and calls.problems[0].line == 14


def test_a_genotype_allele_beyond_the_alt_alleles_in_a_per_person_vcf_is_a_named_problem(tmp_path):
    def person(sample: str, gt: str) -> Path:
        text = trio_vcf([record("chr7", 117559590, "C", "T", "CFTR", gt, "", "")]).replace(
            "\tdad\tkid\tmum", f"\t{sample}")
        path = tmp_path / f"{sample}.vcf"
        path.write_text("\n".join(line.rsplit("\t", 2)[0] if line.startswith("chr7") else line
                                  for line in text.splitlines()) + "\n")
        return path

    (tmp_path / "trio.ped").write_text(TRIO_PED)
    files = [person("kid", HET), person("dad", "0/2:15,15:30:99"), person("mum", HOM_REF)]
    calls = read_family_vcf(files, read_pedigree(tmp_path / "trio.ped"))
    assert [(Path(p.file).name, p.line) for p in calls.problems] == [("dad.vcf", 13)]
    assert "allele 2" in calls.problems[0].message
    assert calls.variants[0].calls["dad"].genotype.value == "./."  # unknown, never "reference"


def test_a_second_record_at_one_site_for_one_person_is_a_named_problem_not_an_overwrite(tmp_path):
    def person(sample: str, records: list[str]) -> Path:
        text = trio_vcf(records).replace("\tdad\tkid\tmum", f"\t{sample}")
        path = tmp_path / f"{sample}.vcf"
        path.write_text("\n".join(line.rsplit("\t", 2)[0] if line.startswith("chr7") else line
                                  for line in text.splitlines()) + "\n")
        return path

    (tmp_path / "trio.ped").write_text(TRIO_PED)
    split = [record("chr7", 117559590, "C", alt, "CFTR", HET, "", "") for alt in ("T", "G")]  # split 1/2, or a repeat
    files = [person("kid", split), person("dad", [split[0]]), person("mum", [split[0]])]
    calls = read_family_vcf(files, read_pedigree(tmp_path / "trio.ped"))
    assert [(Path(p.file).name, p.line) for p in calls.problems] == [("kid.vcf", 14)]
    assert "second record" in calls.problems[0].message and "kid" in calls.problems[0].message
    assert [v.key for v in calls.variants] == ["chr7:117559590:C:T"]


def test_a_bgzf_block_with_a_wrong_crc_is_refused(tmp_path):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A] + filler(50)))
    gz = bgzip(vcf)
    data = bytearray(gz.read_bytes())
    size = struct.unpack_from("<H", data, 16)[0] + 1
    data[size - 8] ^= 0xFF  # the CRC32 of the first block's text
    gz.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"trio\.vcf\.gz: .*CRC"):
        read(gz, ped)


def test_a_utf8_byte_order_mark_is_harmless(tmp_path):
    vcf, ped = write(tmp_path, "\ufeff" + trio_vcf([DE_NOVO_SCN1A]))
    assert [v.key for v in read(vcf, ped).variants] == ["chr2:166000000:A:AT"]
    ped.write_text("\ufeff" + TRIO_PED, encoding="utf-8")
    assert read_pedigree(ped).trio().proband.id == "kid"


def test_a_phenopacket_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "case.json"
    path.write_text("\ufeff" + json.dumps({"id": "p", "subject": {"id": "kid"},
                                            "phenotypicFeatures": [{"type": {"id": "HP:0001250"}}]}), encoding="utf-8")
    assert read_phenopacket(path).profile.observed == ("HP:0001250",)


def test_a_trailing_tab_on_the_column_header_is_accepted(tmp_path):
    vcf, ped = write(tmp_path, trio_vcf([DE_NOVO_SCN1A], chrom_line_end="\t"))
    calls = read(vcf, ped)
    assert [v.key for v in calls.variants] == ["chr2:166000000:A:AT"] and calls.problem_count == 0


def test_a_phenopacket_v1_hts_file_is_read_like_a_v2_file(tmp_path):
    packet = {"id": "p", "subject": {"id": "P1", "sex": "MALE"},
              "phenotypicFeatures": [{"type": {"id": "HP:0001250"}}],
              "htsFiles": [{"uri": "file:///data/trio.vcf.gz", "htsFormat": "VCF", "genomeAssembly": "GRCh38",
                            "individualToSampleIdentifiers": {"P1": "kid"}}]}
    read = read_phenopacket(io.StringIO(json.dumps(packet)))
    assert read.vcf_paths == (Path("/data/trio.vcf.gz"),) and read.sample_id == "kid"


def test_gzip_text_that_is_not_a_vcf_is_a_named_error(tmp_path):
    path = tmp_path / "notes.vcf.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("hello\n")
    (tmp_path / "trio.ped").write_text(TRIO_PED)
    with pytest.raises(InputError, match=r"notes\.vcf\.gz line 1: expected a VCF header line"):
        read(path, tmp_path / "trio.ped")


# -- the warnings reach the app and the report ---------------------------------------------------
def test_the_app_shows_each_issue_with_its_fix():
    from streamlit.testing.v1 import AppTest

    def page():
        from workbench.notepad import InputIssue, Level
        from workbench.ui.issues import show_issues

        show_issues([InputIssue(Level.ERROR, "trio.vcf.gz: the BGZF end-of-file marker is missing", "copy it again"),
                     InputIssue(Level.WARNING, "proband sex unknown")])

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert "end-of-file marker" in at.error[0].value and "copy it again" in at.error[0].value
    assert at.warning[0].value == "proband sex unknown"


def test_the_report_pdf_lists_the_input_warnings():
    from pypdf import PdfReader

    from workbench.model import Sample
    from workbench.report.content import Method, ReportContent
    from workbench.report.pdf import write_pdf

    content = ReportContent(case_id="C1", family_id="F1", proband=Sample("kid", "F1", Sex.FEMALE),
                            method=Method("HPO test", software="workbench test"),
                            input_warnings=("trio.vcf: 1 allele(s) appear twice, read once",))
    buffer = io.BytesIO()
    write_pdf(content, buffer)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)
    assert "Input warnings" in text and "appear twice" in text
    assert ReportContent.from_json(content.to_json()).input_warnings == content.input_warnings
