"""CNV/SV calls (issue 22): each caller dialect, each trio situation, malformed records, ranking.

Fixtures (tests/fixtures/sv/) are tiny files shaped like what each caller writes; the family is
kid (affected boy), dad and mum (unaffected). trio.sv.vcf holds one event per situation:
a de novo NIPBL deletion, an SCN1A exon deletion from the healthy mother, a CFTR exon deletion
from the mother in trans with the father's CFTR stop-gain (small.vcf), a deletion over HBB from
the father under the child's apparently homozygous HBB variant, a DMD deletion on the boy's X from
his mother, a de novo LMNB1 duplication (ClinGen: triplosensitive) and a LowQual artifact.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.inheritance import analyse_inheritance
from workbench.inheritance.sv import read_structural
from workbench.io import read_pedigree
from workbench.io.sv_vcf import read_sv_vcfs
from workbench.io.vcf import read_family_vcf
from workbench.knowledge.gene_table import load_gene_table
from workbench.knowledge.sv_frequency import SvFrequencyTable
from workbench.knowledge.sv_knowledge import load_sv_knowledge
from workbench.model import Genotype, InheritanceMode as M, StructuralVariant, VariantOverDeletion
from workbench.ranking.case import _ranking_options

FIXTURES = Path(__file__).parent / "fixtures" / "sv"
PED = FIXTURES / "trio.ped"
SMALL = FIXTURES / "small.vcf"
CDLS = "HP:0000664,HP:0000574,HP:0001249,HP:0004322,HP:0000527"


@pytest.fixture(scope="module")
def trio():
    return read_pedigree(PED).trio(None)


def _kid_events(paths, trio) -> dict[tuple[str, int], StructuralVariant]:
    calls = read_sv_vcfs([FIXTURES / p for p in paths], trio)
    return {(e.svtype, e.pos): e for e in calls.events if e.calls.get("kid") and e.calls["kid"].genotype.carries_alt}


# -- caller dialects ---------------------------------------------------------------------------
def test_dragen_cnv_per_person_files(trio):
    calls = read_sv_vcfs([FIXTURES / f"{who}.dragen.cnv.vcf" for who in ("kid", "dad", "mum")], trio)
    assert calls.called == {"kid", "dad", "mum"} and not calls.problems
    kid = {(e.svtype, e.pos): e.calls["kid"] for e in calls.events if "kid" in e.calls}
    assert kid[("DEL", 36800001)].genotype is Genotype.HET and kid[("DEL", 36800001)].copy_number == 1
    assert kid[("DUP", 126700001)].genotype is Genotype.HET and kid[("DUP", 126700001)].copy_number == 3
    assert kid[("DEL", 31500001)].genotype is Genotype.HEMIZYGOUS  # a boy's X: haploid GT, CN 0
    assert len(kid) == 4  # the reference segment (ALT '.') is no event


def test_manta_deletion_tandem_duplication_inversion_insertion_breakends(trio):
    events = _kid_events(["manta.sv.vcf"], trio)
    assert set(events) == {("DEL", 117500001), ("DUP", 165995001), ("INV", 36900001), ("INS", 5226500),
                           ("BND", 166000000), ("BND", 117520000)}
    deletion = events[("DEL", 117500001)]
    assert deletion.end == 117540000 and deletion.calls["mum"].genotype is Genotype.HET
    assert events[("BND", 166000000)].mate == "chr7:117520000"
    assert events[("DUP", 165995001)].alt == "<DUP:TANDEM>"


def test_gatk_sv_multiallelic_cnv_and_mobile_element(trio):
    events = _kid_events(["gatk_sv.vcf"], trio)
    cnv = events[("DUP", 126700001)]  # <CNV> with FORMAT/CN 3: a gain
    assert cnv.calls["kid"].copy_number == 3 and cnv.calls["dad"].genotype is Genotype.HOM_REF
    assert events[("DEL", 36800001)].calls["kid"].genotype is Genotype.HET
    assert events[("INS", 117510001)].alt == "<INS:ME:ALU>"


def test_delly_and_gcnv(trio):
    delly = _kid_events(["delly.vcf"], trio)
    assert set(delly) == {("DEL", 117500001), ("DUP", 126700001)}
    gcnv = _kid_events(["kid.gcnv.vcf"], trio)  # haploid integer GT = allele index, CN decides
    assert gcnv[("DEL", 36800001)].calls["kid"].genotype is Genotype.HET
    assert gcnv[("DUP", 126700001)].calls["kid"].copy_number == 3
    assert gcnv[("DEL", 31500001)].calls["kid"].genotype is Genotype.HEMIZYGOUS


def test_malformed_records_are_named_and_the_rest_is_read(trio):
    calls = read_sv_vcfs([FIXTURES / "malformed.sv.vcf"], trio)
    messages = {p.line: p.message for p in calls.problems}
    assert "no END" in messages[15]
    assert "negative length" in messages[16]
    assert "absurd length" in messages[17]
    assert "unknown SV type" in messages[18]
    assert "breakend mate bnd_2 is not in the file" in messages[19]
    assert "copy number 2 contradicts genotype 0/1" in messages[20]
    kid = [e for e in calls.events if e.calls["kid"].genotype.carries_alt]
    assert {e.caller_id for e in kid} == {"good", "bnd_1"}


def test_a_file_without_the_family_is_refused(trio, tmp_path):
    from workbench.io.errors import InputError

    other = tmp_path / "other.vcf"
    other.write_text((FIXTURES / "kid.gcnv.vcf").read_text().replace("\tkid\n", "\tstranger\n"))
    with pytest.raises(InputError, match="none of the family"):
        read_sv_vcfs([other], trio)


# -- the trio situations ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def analysed(trio):
    small = read_family_vcf(SMALL, read_pedigree(PED))
    sv = read_sv_vcfs([FIXTURES / "trio.sv.vcf"], trio)
    reading = read_structural(sv.events, sv.called, small.variants, trio, load_gene_table(), load_sv_knowledge())
    result = analyse_inheritance(reading.small_variants + reading.alleles, trio, _ranking_options())
    return reading, result


def _modes(result, symbol: str) -> dict[M, tuple]:
    return {c.mode: c.variants for c in result.candidates if c.gene_symbol == symbol}


def test_de_novo_deletion_of_a_gene_and_its_neighbours(analysed):
    reading, result = analysed
    deletion = next(a for a in reading.alleles if a.caller_id == "sv_nipbl")
    assert deletion.genes == ("NIPBL", "CPLANE1", "NUP155") and deletion.population_af is None
    assert deletion.consequence_for("NIPBL").consequence.startswith("transcript_ablation")
    assert M.DE_NOVO in _modes(result, "NIPBL") and M.DE_NOVO in _modes(result, "CPLANE1")
    assert deletion.dosage_for("NIPBL").score == 3  # ClinGen: haploinsufficient


def test_deletion_inherited_from_a_healthy_parent(analysed):
    _, result = analysed
    modes = _modes(result, "SCN1A")
    assert M.REDUCED_PENETRANCE in modes and M.DE_NOVO not in modes


def test_deletion_in_trans_with_a_small_variant(analysed):
    _, result = analysed
    pair = _modes(result, "CFTR")[M.COMPOUND_HETEROZYGOUS]
    assert {type(v).__name__ for v in pair} == {"StructuralVariant", "Variant"}
    exon_loss = next(v for v in pair if isinstance(v, StructuralVariant)).consequence_for("CFTR").consequence
    assert exon_loss.startswith("exon_loss_variant: exons")


def test_apparent_homozygote_over_a_deletion_is_hemizygous(analysed):
    reading, result = analysed
    hbb = next(v for v in reading.small_variants if v.pos == 5226000)
    assert isinstance(hbb, VariantOverDeletion) and hbb.calls["kid"].genotype is Genotype.HET
    assert hbb.deletion == "chr11:5200001-5260000:DEL" and hbb.deletion_origin == "from the father"
    modes = _modes(result, "HBB")
    assert M.COMPOUND_HETEROZYGOUS in modes and M.HOMOZYGOUS_RECESSIVE not in modes
    assert not any(d.variant.pos == 5226000 for d in result.dropped)
    assert any("looks homozygous" in note for note in reading.notes)


def test_male_x_deletion_from_the_mother(analysed):
    _, result = analysed
    assert M.X_LINKED_HEMIZYGOUS in _modes(result, "DMD")


def test_duplication_of_a_triplosensitive_gene(analysed):
    from workbench.ranking.sv_evidence import GAIN_LOG10_LR, effect_log10_lr

    reading, result = analysed
    dup = next(a for a in reading.alleles if a.caller_id == "sv_lmnb1")
    what = dup.consequence_for("LMNB1").consequence
    assert what.startswith("transcript_amplification") and dup.dosage_for("LMNB1").score == 3
    assert effect_log10_lr(dup, what, "LMNB1")[0] == GAIN_LOG10_LR[3]
    assert M.DE_NOVO in _modes(result, "LMNB1")


def test_filtered_artifact_is_dropped_with_its_reason(analysed):
    _, result = analysed
    assert any(d.reason == "FILTER LowQual" and getattr(d.variant, "caller_id", "") == "sv_artifact"
               for d in result.dropped)


def test_parents_matched_by_reciprocal_overlap_across_per_person_files(trio):
    sv = read_sv_vcfs([FIXTURES / f"{who}.dragen.cnv.vcf" for who in ("kid", "dad", "mum")], trio)
    reading = read_structural(sv.events, sv.called, (), trio, load_gene_table(), load_sv_knowledge())
    hbb = next(a for a in reading.alleles if a.chrom == "chr11")
    assert hbb.calls["dad"].genotype is Genotype.HET and "reciprocal overlap" in hbb.note
    nipbl = next(a for a in reading.alleles if a.chrom == "chr5" and a.svtype == "DEL")
    assert nipbl.calls["dad"].genotype is Genotype.HOM_REF  # a per-person file lists only events
    result = analyse_inheritance(reading.alleles, trio, _ranking_options())
    assert M.DE_NOVO in _modes(result, "NIPBL") and M.X_LINKED_HEMIZYGOUS in _modes(result, "DMD")


def test_population_frequency_by_reciprocal_overlap():
    table = SvFrequencyTable.from_rows([("chr1", 1_000, 11_000, "DEL", 0.2), ("chr1", 1_000, 101_000, "DEL", 0.01)])
    assert table.frequency("chr1", 2_001, 12_000, "DEL") == 0.2   # 90% both ways
    assert table.frequency("chr1", 1_001, 60_000, "DEL") == 0.01  # the large site only
    assert table.frequency("chr1", 1_001, 11_000, "DUP") is None  # a gain is not a loss


# -- ranking, CLI, manifest, phenopacket, mixed records ----------------------------------------
def _first_gene(tsv: Path) -> str:
    with open(tsv) as fh:  # the table follows the '##' issue lines
        return next(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))["gene"]


def _rank(tmp_path, *extra: str) -> list[dict]:
    out = tmp_path / "ranked.json"
    assert main(["rank", "--vcf", str(SMALL), "--ped", str(PED), "--format", "json", "--out", str(out),
                 "--no-cache", *extra]) == 0
    return json.loads(out.read_text())["genes"]


def test_cli_ranks_the_de_novo_deletion_first_and_names_its_other_genes(tmp_path):
    genes = _rank(tmp_path, "--sv-vcf", str(FIXTURES / "trio.sv.vcf"), "--hpo", CDLS)
    top = genes[0]
    assert top["gene"] == "NIPBL" and top["mode"] == "de novo"
    text = top["explanation"]["variant"]["text"]
    assert "deletion of 500 kb" in text and "CPLANE1" in text and "copy number proband 1, father 2, mother 2" in text
    assert "ClinGen haploinsufficiency: sufficient evidence" in text
    cftr = next(g for g in genes if g["gene"] == "CFTR")
    assert cftr["mode"] == "compound heterozygous"
    hbb = next(g for g in genes if g["gene"] == "HBB")
    assert "removes the other copy: hemizygous" in hbb["explanation"]["variant"]["text"]


def test_without_sv_calls_the_deletion_is_not_seen(tmp_path):
    genes = _rank(tmp_path, "--hpo", CDLS)
    assert all(g["gene"] != "NIPBL" for g in genes)


def test_manifest_column_and_phenopacket_file_list(tmp_path):
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text("case_id\tvcf\tped\tproband\thpo\texcluded_hpo\tsv_vcf\n"
                        f"cdls\t{SMALL}\t{PED}\tkid\t{CDLS}\t\t{FIXTURES / 'trio.sv.vcf'}\n")
    assert main(["rank", "--manifest", str(manifest), "--outdir", str(tmp_path / "out")]) == 0
    assert _first_gene(tmp_path / "out" / "cdls.tsv") == "NIPBL"
    packet = tmp_path / "kid.json"
    packet.write_text(json.dumps({
        "id": "p1", "subject": {"id": "kid", "sex": "MALE"},
        "phenotypicFeatures": [{"type": {"id": t}} for t in CDLS.split(",")],
        "files": [{"uri": SMALL.as_uri(), "fileAttributes": {"fileFormat": "vcf"}},
                  {"uri": (FIXTURES / "trio.sv.vcf").as_uri(),
                   "fileAttributes": {"fileFormat": "vcf",
                                      "description": "copy-number and structural variant calls"}}]}))
    out = tmp_path / "packet.tsv"
    assert main(["rank", "--phenopacket", str(packet), "--ped", str(PED), "--out", str(out), "--no-cache"]) == 0
    assert _first_gene(out) == "NIPBL"


def test_symbolic_records_in_the_small_variant_vcf_go_to_the_sv_path(tmp_path, capsys):
    mixed = tmp_path / "mixed.vcf"
    record = next(line for line in (FIXTURES / "trio.sv.vcf").read_text().splitlines() if "sv_nipbl" in line)
    chrom, pos, ident, ref, alt, qual, filt, info, fmt, mum, kid, dad = record.split("\t")
    mixed.write_text(SMALL.read_text() + "\t".join([chrom, pos, ident, ref, alt, qual, filt, info, fmt,
                                                    dad, kid, mum]) + "\n")
    out = tmp_path / "ranked.tsv"
    assert main(["rank", "--vcf", str(mixed), "--ped", str(PED), "--hpo", CDLS, "--out", str(out), "--no-cache"]) == 0
    assert "SV record(s) among the small variants were read as CNV/SV calls" in capsys.readouterr().err
    assert _first_gene(out) == "NIPBL"


def test_malformed_sv_records_warn_and_the_case_still_ranks(tmp_path, capsys):
    genes = _rank(tmp_path, "--sv-vcf", str(FIXTURES / "malformed.sv.vcf"), "--hpo", "HP:0001250")
    err = capsys.readouterr().err
    assert "6 CNV/SV record(s) or calls could not be used" in err and "malformed.sv.vcf line 15" in err
    assert genes


def test_candidates_table_row_describes_the_cnv(trio):
    from workbench.knowledge import load_knowledge
    from workbench.model import PhenotypeProfile
    from workbench.ranking.case import analyse_case
    from workbench.ui.tables import candidate_frame

    analysis = analyse_case(SMALL, PED, knowledge=load_knowledge(), use_cache=False,
                            sv_vcf=[FIXTURES / "trio.sv.vcf"])
    ranking = analysis.rank(PhenotypeProfile(observed=tuple(CDLS.split(","))))
    row = candidate_frame(ranking.genes, analysis.trio).iloc[0]
    assert row["gene"] == "NIPBL" and row["class"] == "CNV loss"
    assert row["HGVS"] == "CNV deletion 500 kb, 3 genes (NIPBL, CPLANE1, NUP155); CN proband 1, father 2, mother 2"


def test_phenopacket_output_describes_the_cnv(tmp_path):
    out = tmp_path / "packet.json"
    assert main(["rank", "--vcf", str(SMALL), "--ped", str(PED), "--sv-vcf", str(FIXTURES / "trio.sv.vcf"),
                 "--hpo", CDLS, "--format", "phenopacket", "--top", "1", "--out", str(out), "--no-cache"]) == 0
    packet = json.loads(out.read_text())
    descriptor = packet["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"][
        "variationDescriptor"]
    assert descriptor["structuralType"] == {"id": "SO:0001743", "label": "copy_number_loss"}
    assert descriptor["vcfRecord"]["info"] == "SVTYPE=DEL;END=37300000;SVLEN=-500000"
    assert descriptor["allelicState"]["label"] == "heterozygous"


def test_telomeric_end_is_clipped_and_rna_disease_genes_are_placed(trio, tmp_path):
    from workbench.knowledge import load_knowledge
    from workbench.ranking.sv_case import SV_GENE_TYPES, _disease_or_coding

    text = (FIXTURES / "trio.sv.vcf").read_text().replace(
        "##contig=<ID=chr2,", "##contig=<ID=chr12,length=133275309>\n##contig=<ID=chr2,")
    calls = "GT:CN:GQ\t0/0:2:80\t0/1:1:80\t0/0:2:80"
    rows = [f"chr12\t120280001\tsv_rnu4\tN\t<DEL>\t250\tPASS\tSVTYPE=DEL;END=120300000\t{calls}",
            f"chr12\t133000001\tsv_telomere\tN\t<DEL>\t250\tPASS\tSVTYPE=DEL;END=133400000\t{calls}"]
    path = tmp_path / "rna.sv.vcf"
    path.write_text(text + "\n".join(rows) + "\n")
    sv = read_sv_vcfs([path], trio)
    assert any("read up to the chromosome end" in p.message for p in sv.problems)
    assert next(e for e in sv.events if e.caller_id == "sv_telomere").end == 133275309
    kb = load_knowledge()
    reading = read_structural(sv.events, sv.called, (), trio, load_gene_table(gene_types=SV_GENE_TYPES),
                              load_sv_knowledge(), keep_gene=_disease_or_coding(kb))
    rnu4 = next(a for a in reading.alleles if a.caller_id == "sv_rnu4")
    assert "RNU4-2" in rnu4.genes  # an snRNA gene HPO links to disease
    assert all(kb.genes.lookup(g) is not None for g in rnu4.genes)
