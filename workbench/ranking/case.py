"""One case: read the family VCF once, keep its candidates, re-rank for any phenotype.

``analyse_case`` does the slow part (reading the VCF, inheritance analysis) once and keeps
only the candidate genes; ``CaseAnalysis.rank(profile)`` then costs one phenotype scoring
(well under a second), so a clinician editing terms sees the new ranking at once. The
candidates are also cached on disk, keyed by the VCF and PED fingerprints (see
``_file_digest``), the proband, the knowledge version and the code that produced them, so
reopening a case skips the VCF.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence


from workbench import paths
from workbench.model import PhenotypeProfile, Trio
from workbench.notepad import InputIssue, Level, as_issues, errors
from workbench.ranking import evidence
from workbench.ranking import rank as model
from workbench.ranking.rank import GeneCandidates, group_candidates, homozygous_af_counts, rank_genes
from workbench.ranking.result import Ranking, TermEvidence
from workbench.ranking.sv_case import StructuralSummary, add_structural

if TYPE_CHECKING:
    from workbench.io import FamilyCalls

log = logging.getLogger(__name__)
CACHE_FORMAT = 4
_PRODUCER_MODULES = ("workbench/io/vcf.py", "workbench/io/annotation.py", "workbench/inheritance",
                     "workbench/io/sv_vcf.py", "workbench/knowledge/dosage.py", "workbench/knowledge/sv_frequency.py",
                     "workbench/ranking/sv_case.py")


def _ranking_options():
    """Inheritance options for ranking: drop only what is surely noise, weigh the rest.

    Ranking weighs call quality as evidence (``evidence.quality_log10_lr``), so its hard cuts
    sit where binomial sampling, not taste, says a call is uninformative:

    * a de novo allele balance of 0.2 (a true heterozygote at 15-30x shows 0.2-0.3 often
      enough that a cut at 0.3 loses real de novo variants; below 0.2 it is an artifact);
    * a proband depth of 4 (a heterozygote at 4-7x is still usually right; rapid genomes
      have such sites, and the low-depth penalty flags them);
    * a parent depth of 6 to call a parent homozygous reference: a heterozygous parent shows
      no alt read in 6 reads with probability 0.5^6 < 2%, so the child's allele is de novo or
      phased all the same (with the poorly-covered-parent penalty below 10x).
    """
    from workbench.inheritance import InheritanceOptions

    return InheritanceOptions(de_novo_min_allele_balance=0.2, min_depth=4, parent_min_depth=6)


@dataclass(frozen=True)
class CaseCandidates:
    """What ranking needs from the VCF: candidate genes and per-mode gene counts, plus the
    reading itself without its variants (family, trio QC, input problems), so the QC page
    need not read the VCF again."""

    reading: FamilyCalls
    genes: tuple[GeneCandidates, ...]
    genes_per_mode: dict
    issues: tuple[InputIssue, ...]
    structural: StructuralSummary = StructuralSummary()  # the CNV/SV calls (issue 22)

    @property
    def trio(self) -> Trio:
        return self.reading.trio

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(str(issue) for issue in self.issues)


class _PhenotypeScores:
    """Per-disease phenotype log10 LRs for one profile, from the scorer's vectorised fast path.

    Observed and excluded terms are weighted apart (see :mod:`workbench.ranking.rank`), and
    term-by-term explanations are computed only for the genes someone looks at.
    """

    def __init__(self, scorer, profile: PhenotypeProfile, rows: Mapping[str, int]) -> None:
        self._scorer, self._rows = scorer, rows
        self._prepared = scorer.prepare(profile)
        self._scores = None
        parts = ((self._prepared.observed, model.OBSERVED_TERM_WEIGHT, dataclasses.replace(self._prepared, excluded=())),
                 (self._prepared.excluded, model.EXCLUDED_TERM_WEIGHT, dataclasses.replace(self._prepared, observed=())))
        for terms, weight, prepared in parts:
            if terms:
                scores = weight * scorer.disease_scores(prepared)
                self._scores = scores if self._scores is None else self._scores + scores

    def log10_lr(self, disease_id: str) -> float | None:
        row = self._rows.get(disease_id)
        if row is None:
            return None
        return 0.0 if self._scores is None else float(self._scores[row])

    def unlinked_log10_lr(self) -> float:
        return 0.0

    def terms(self, disease_id: str) -> tuple[TermEvidence, ...]:
        row = self._rows.get(disease_id)
        if row is None or self._scores is None:
            return ()
        return tuple(TermEvidence(patient_term=t.patient_term, disease_term=t.disease_term,
                                  log10_lr=float(t.contribution) * (model.EXCLUDED_TERM_WEIGHT if t.excluded
                                                                    else model.OBSERVED_TERM_WEIGHT),
                                  excluded=bool(t.excluded), how=t.how)
                     for t in self._scorer.explain(self._prepared, row))


class CaseAnalysis:
    """A case's candidates plus the knowledge and phenotype scorer to rank them."""

    def __init__(self, candidates: CaseCandidates, knowledge, scorer=None) -> None:
        from workbench.phenotype import LikelihoodRatioScorer

        self.candidates = candidates
        self.knowledge = knowledge
        self.scorer = scorer or LikelihoodRatioScorer(knowledge)
        self.background = evidence.ModeBackground(candidates.genes_per_mode,
                                                  family_kind=candidates.trio.family_kind,
                                                  affected_parent=candidates.trio.has_affected_parent,
                                                  homozygous_af_counts=homozygous_af_counts(candidates.genes))
        self._known_gene_count = len(knowledge.disease_genes)

    @property
    def trio(self) -> Trio:
        return self.candidates.trio

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.candidates.warnings

    @property
    def reading(self) -> FamilyCalls:
        """The VCF reading behind the candidates: trio QC, input problems, file-level warnings."""
        return self.candidates.reading

    def rank(self, profile: PhenotypeProfile) -> Ranking:
        """Rank the candidate genes for ``profile``; obsolete/alternative ids are mapped, with warnings."""
        profile, term_warnings = resolve_profile(profile, self.knowledge.hpo)
        warnings = list(as_issues(term_warnings, "phenotype")) + list(self.candidates.issues)
        if not profile.observed:
            warnings.append(InputIssue(Level.WARNING, "no observed phenotype terms: genes ranked on genotype evidence "
                                       "alone", "enter the proband's HPO terms", "phenotype"))
        if self.knowledge.constraint is None:
            warnings.append(InputIssue(Level.WARNING, "the knowledge folder has no gnomAD constraint table: genes "
                                       "ranked without constraint evidence", "", "knowledge"))
        scores = _PhenotypeScores(self.scorer, profile, self.knowledge.disease_table.row)
        return rank_genes(self.candidates.genes, self.trio, self.background, scores, self._known_gene_count,
                          self.knowledge.version, warnings, self.knowledge.constraint)


def resolve_profile(profile: PhenotypeProfile, hpo) -> tuple[PhenotypeProfile, tuple[str, ...]]:
    """Map obsolete / alternative ids to current terms and drop unknown ones, with warnings.

    A term a curator wrote years ago is still evidence: it is replaced, never silently dropped;
    an id the release does not know at all is dropped with a warning naming it.
    """
    warnings: list[str] = []
    lists = []
    for ids in (profile.observed, profile.excluded):
        resolution = hpo.resolve(list(ids))
        lists.append(resolution.ids)
        warnings.extend(resolution.warnings)
    observed, excluded = lists
    both = [t for t in excluded if t in observed]
    if both:
        warnings.append(f"{', '.join(both)} {'is' if len(both) == 1 else 'are'} given both observed and excluded: "
                        "counted as observed, the exclusion is ignored (remove one of the two)")
    excluded = tuple(t for t in excluded if t not in observed)
    return PhenotypeProfile(observed=observed, excluded=excluded), tuple(dict.fromkeys(warnings))


def analyse_case(vcf: str | Path | Sequence[str | Path], ped: str | Path, proband_id: str | None = None,
                 knowledge=None, progress: Callable[[float], None] | None = None, scorer=None,
                 use_cache: bool = True, workers: int = 0, sv_vcf: Sequence[str | Path] = ()) -> CaseAnalysis:
    """Read the family VCF once and keep the candidate genes (cached on disk per content).

    ``workers``: processes for reading a genome-size VCF (0: as many as suit the machine).
    ``sv_vcf``: the family's CNV/SV VCF(s), one joint file or one per person (optional)."""
    from workbench.knowledge import folder_state, load_knowledge

    state = (knowledge.cache_key or knowledge.version) if knowledge is not None else folder_state()
    key = _cache_key(vcf, ped, proband_id, state, sv_vcf) if use_cache else None
    candidates = _read_cache(key) if key else None
    if candidates is None:
        candidates = find_candidates(vcf, ped, proband_id, knowledge, progress, workers, sv_vcf=sv_vcf)
        if key:
            _write_cache(key, candidates)
    elif progress:
        progress(1.0)
    return CaseAnalysis(candidates, knowledge or load_knowledge(), scorer)


def find_candidates(vcf, ped, proband_id, knowledge, progress=None, workers: int = 0,
                    sv_vcf: Sequence[str | Path] = ()) -> CaseCandidates:
    """VCF (+ CNV/SV VCFs) -> prefiltered variants -> inheritance candidates, grouped per HGNC gene.

    ``knowledge`` None: loaded after the VCF is read, so a genome's scan workers fork from a
    process that does not hold it yet (their resident memory is then the scan's alone)."""
    from workbench.inheritance import analyse_inheritance, with_genetic_sex
    from workbench.io import InputError, ReadOptions, read_family_vcf, read_pedigree
    from workbench.knowledge import load_knowledge

    pedigree = read_pedigree(ped)
    calls = read_family_vcf(vcf, pedigree, proband_id=proband_id, progress=progress,
                            options=ReadOptions(workers=workers, genic_only=True))
    knowledge = knowledge or load_knowledge()
    fatal = errors(calls.issues)
    if fatal:  # e.g. a genome cut short: ranking what is left would be a silent wrong answer
        raise InputError(f"{fatal[0]}")
    issues = list(calls.issues)
    trio, sex_note = with_genetic_sex(calls.trio, _genetic_sex(calls))
    if sex_note:
        issues.append(InputIssue(Level.WARNING, sex_note, "record the proband's sex in the PED (column 5)",
                                 "pedigree"))
    variants, sv_warnings, structural = add_structural(dataclasses.replace(calls, trio=trio), sv_vcf, knowledge)
    issues += sv_warnings
    result = analyse_inheritance(variants, trio, _ranking_options())
    genes, counts = group_candidates(result.candidates, knowledge.genes.lookup, knowledge.diseases_for_gene)
    if calls.annotation_source.startswith("none"):
        issues.append(InputIssue(Level.WARNING, f"the VCF carries no consequence annotation "
                                 f"({calls.annotation_source}): variant evidence uses frequency and quality only",
                                 "annotate the VCF with VEP", "vcf"))
    kind = trio.family_kind
    if kind != "trio":
        issues.append(InputIssue(Level.WARNING, f"{kind}: without both parents de novo and in-trans calls cannot be "
                                 "confirmed; inheritance evidence is limited", "", "pedigree"))
    issues += as_issues(calls.qc.alarms, "qc")
    if calls.problem_count:
        first = f" (first: {calls.problems[0]})" if calls.problems else ""
        issues.append(InputIssue(Level.WARNING, f"{calls.problem_count} VCF records could not be used{first}",
                                 "see the QC page for the list; fix or remove the malformed records", "vcf"))
    return CaseCandidates(reading=dataclasses.replace(calls, variants=(), trio=trio, structural_lines=()),
                          genes=tuple(genes), genes_per_mode=counts, issues=tuple(issues), structural=structural)


def _genetic_sex(calls: FamilyCalls):
    """The proband's sex as trio QC reads it from chrX heterozygosity."""
    return next(s.inferred_sex for s in calls.qc.samples if s.role == "proband")


def _cache_key(vcf, ped, proband_id, knowledge_state: str, sv_vcf: Sequence[str | Path] = ()) -> str | None:
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{proband_id}|{knowledge_state}|{_ranking_options()!r}|".encode())
    try:
        for path in ([vcf] if isinstance(vcf, (str, Path)) else list(vcf)) + [ped] + list(sv_vcf):
            digest.update(_file_digest(Path(path)))
        digest.update(_producer_digest())
        if sv_vcf:  # the pinned CNV knowledge the SV alleles were annotated with
            from workbench.knowledge.sv_knowledge import knowledge_key

            digest.update(knowledge_key().encode())
    except OSError:
        return None  # unreadable input: the reader will raise the user-facing error
    return digest.hexdigest()[:32]


@functools.cache
def _producer_digest() -> bytes:
    """The code that produced the candidates, hashed once per process (the loaded code is fixed)."""
    h = hashlib.sha256()
    for module in _PRODUCER_MODULES:
        root = paths.REPO_ROOT / module
        for source in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            if source.exists():
                h.update(source.read_bytes())
    return h.digest()


_FINGERPRINT_HEAD = 1 << 20
_FINGERPRINT_TAIL = 1 << 16


def _file_digest(path: Path) -> bytes:
    """A cheap fingerprint: size, modification time and a digest of the first MiB (the header,
    sample names included) and the last 64 KiB; small files are hashed whole. Hashing a
    whole genome VCF cost about a second of every cached run; a file edited in place changes
    its modification time, and a copy (new time) is merely read again."""
    stat = path.stat()
    h = hashlib.sha256(f"{stat.st_size} {stat.st_mtime_ns}|".encode())
    with open(path, "rb") as fh:
        h.update(fh.read(_FINGERPRINT_HEAD))
        if stat.st_size > _FINGERPRINT_HEAD:
            fh.seek(max(_FINGERPRINT_HEAD, stat.st_size - _FINGERPRINT_TAIL))
            h.update(fh.read())
    return h.digest()


def _cache_path(key: str) -> Path:
    folder = paths.cache_dir() / "cases"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.pickle"


def _read_cache(key: str) -> CaseCandidates | None:
    path = _cache_path(key)
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            value = pickle.load(fh)
        os.utime(path)  # used now: pruning removes the least recently used first
        return value if isinstance(value, CaseCandidates) else None
    except Exception as error:  # a damaged cache is rebuilt, never fatal
        log.warning("ignoring unreadable case cache %s (%s)", path, error)
        return None


_PRUNE_EVERY = 100  # case caches written between two looks at the folder's size
_writes = 0


def _write_cache(key: str, candidates: CaseCandidates) -> None:
    global _writes
    path = _cache_path(key)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # forked workers may write the same case
    try:
        with open(tmp, "wb") as fh:
            pickle.dump(candidates, fh, protocol=pickle.HIGHEST_PROTOCOL)  # model registers Variant.calls
        tmp.replace(path)
    except (OSError, pickle.PicklingError) as error:
        log.warning("could not write case cache %s (%s)", path, error)
        tmp.unlink(missing_ok=True)
    _writes += 1
    if _writes % _PRUNE_EVERY == 1:
        prune_case_cache(path.parent, case_cache_limit())


def case_cache_limit() -> int:
    """The case cache's bound in bytes: ``WORKBENCH_CASE_CACHE_MB`` (default 4096). An exome's
    candidates take about 1 MB, so a cohort or a reanalysis of every stored case under each new
    release would otherwise fill the disk."""
    return int(float(os.environ.get("WORKBENCH_CASE_CACHE_MB", 4096)) * 1024 * 1024)


def prune_case_cache(folder: Path, limit: int) -> int:
    """Delete the least recently used case caches until ``folder`` holds at most ``limit`` bytes
    of them; the number deleted. A pruned case is simply read from its VCF again."""
    entries = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".pickle"):
            try:
                stat = entry.stat()
            except OSError:  # removed meanwhile by another process
                continue
            entries.append((stat.st_mtime, stat.st_size, entry.path))
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        Path(path).unlink(missing_ok=True)
        total -= size
        removed += 1
    if removed:
        log.info("case cache: removed the %d least recently used entries (bound %d MB)", removed, limit >> 20)
    return removed
