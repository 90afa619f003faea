"""Read the pinned source files (hp.obo, phenotype.hpoa, genes_to_phenotype, HGNC, Mondo, gnomAD
constraint) into plain data.

This is the only module that sees pronto objects: everything it returns is model types,
strings, tuples and numpy arrays, so the result can be pickled into the cache and the rest
of the package never depends on the parser.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

import numpy as np

from workbench.model import Disease, DiseaseInheritance, Term, TermAnnotation

# Source files of the knowledge folder; each may also be stored gzip-compressed (name + ".gz").
OBO_FILE = "hp.obo"
HPOA_FILE = "phenotype.hpoa"
GENES_TO_PHENOTYPE_FILE = "genes_to_phenotype.txt"
HGNC_FILE = "hgnc_complete_set.txt"
MONDO_FILE = "mondo.sssom.tsv"
CONSTRAINT_FILE = "gnomad_v2.1_constraint.txt"
SOURCE_FILES = (OBO_FILE, HPOA_FILE, GENES_TO_PHENOTYPE_FILE, HGNC_FILE, MONDO_FILE, CONSTRAINT_FILE)

# HPO's frequency terms (subontology HP:0040279) as the midpoint of the range each one names.
FREQUENCY_TERMS: dict[str, float] = {
    "HP:0040280": 1.0,  # Obligate (100%)
    "HP:0040281": 0.895,  # Very frequent (80-99%)
    "HP:0040282": 0.545,  # Frequent (30-79%)
    "HP:0040283": 0.17,  # Occasional (5-29%)
    "HP:0040284": 0.025,  # Very rare (1-4%)
    "HP:0040285": 0.0,  # Excluded (0%)
}
_RATIO = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")


class SourceError(ValueError):
    """A knowledge source file is missing or malformed; the message names the file and line."""


def source_path(directory: Path, name: str) -> Path:
    """The file ``name`` in ``directory``, preferring the gzip-compressed copy.

    >>> source_path(Path("ontology"), "hp.obo").name
    'hp.obo.gz'
    """
    compressed = directory / f"{name}.gz"
    plain = directory / name
    if compressed.exists() or not plain.exists():
        return compressed
    return plain


def open_binary(path: Path) -> IO[bytes]:
    if not path.exists():
        raise SourceError(f"{path}: knowledge file not found")
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def _open_text(path: Path) -> IO[str]:
    return io.TextIOWrapper(open_binary(path), encoding="utf-8", newline="")


def parse_frequency(text: str, *, where: str = "") -> float | None:
    """An HPO annotation frequency as a fraction; None when it is not given.

    >>> parse_frequency("HP:0040281"), parse_frequency("3/4"), parse_frequency("40%"), parse_frequency("")
    (0.895, 0.75, 0.4, None)
    """
    text = text.strip()
    if not text:
        return None
    if text in FREQUENCY_TERMS:
        return FREQUENCY_TERMS[text]
    if match := _RATIO.match(text):
        numerator, denominator = int(match[1]), int(match[2])
        return min(1.0, numerator / denominator) if denominator else None
    if match := _PERCENT.match(text):
        return min(1.0, float(match[1]) / 100.0)
    warnings.warn(f"{where}: unreadable frequency {text!r}, treated as unknown", stacklevel=2)
    return None


@dataclass(frozen=True)
class OntologyData:
    """hp.obo reduced to what the workbench needs: terms, alternative ids, is_a closure."""

    version: str  # e.g. "2025-01-16"
    terms: tuple[Term, ...]  # every term, obsolete ones included; index = position
    alternative_ids: dict[str, str]  # alt_id -> primary id
    consider: dict[str, tuple[str, ...]]  # obsolete id -> suggested replacements
    ancestor_pointers: np.ndarray  # CSR over terms: ancestors of term i (itself included)
    ancestor_indices: np.ndarray  # are ancestor_indices[ancestor_pointers[i]:ancestor_pointers[i+1]]


def _release_version(data_version: str, path: Path) -> str:
    """'hp/releases/2025-01-16' -> '2025-01-16'."""
    if not data_version:
        raise SourceError(f"{path}: the OBO header has no data-version")
    return data_version.rsplit("/", 1)[-1]


def read_obo_version(path: Path) -> str:
    """The release version from the ``data-version:`` header line alone (no need to parse the ontology)."""
    with _open_text(path) as handle:
        for line in handle:
            if line.startswith("["):  # the first stanza ends the header
                break
            if line.startswith("data-version:"):
                return _release_version(line.split(":", 1)[1].strip(), path)
    return _release_version("", path)


def read_obo(path: Path) -> OntologyData:
    """Parse hp.obo with pronto; the data-version header becomes the release version."""
    import pronto  # imported here: nothing outside this loader may depend on pronto

    with open_binary(path) as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore", UnicodeWarning)  # pronto guesses the encoding; it is UTF-8
        try:
            ontology = pronto.Ontology(handle)
        except Exception as error:  # pronto raises assorted types on malformed input
            raise SourceError(f"{path}: not a readable OBO ontology ({error})") from error
    version = _release_version(ontology.metadata.data_version or "", path)

    pronto_terms = sorted(ontology.terms(), key=lambda t: t.id)
    pronto_terms = [t for t in pronto_terms if t.id.startswith("HP:")]
    if not pronto_terms:
        raise SourceError(f"{path}: no HP terms found")
    index = {t.id: i for i, t in enumerate(pronto_terms)}
    terms: list[Term] = []
    alternative_ids: dict[str, str] = {}
    consider: dict[str, tuple[str, ...]] = {}
    parents_of: list[list[int]] = []
    for term in pronto_terms:
        parents = sorted(p.id for p in term.superclasses(distance=1, with_self=False) if p.id in index)
        replaced = sorted(r.id for r in term.replaced_by)
        label = term.name or term.id
        if term.obsolete and label.startswith("obsolete "):
            label = label[len("obsolete "):]
        terms.append(Term(
            id=term.id,
            label=label,
            definition=str(term.definition or ""),
            synonyms=tuple(sorted({s.description for s in term.synonyms if s.description})),
            parents=tuple(parents),
            obsolete=bool(term.obsolete),
            replaced_by=replaced[0] if replaced else None,
        ))
        if term.obsolete and term.consider:
            consider[term.id] = tuple(sorted(c.id for c in term.consider))
        for alt in term.alternate_ids:
            alternative_ids[alt] = term.id
        parents_of.append([index[p] for p in parents])
    pointers, indices = _ancestor_closure(parents_of)
    return OntologyData(version, tuple(terms), alternative_ids, consider, pointers, indices)


def _ancestor_closure(parents_of: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Every term's ancestors (itself included) as CSR arrays, by memoised depth-first walk."""
    closure: list[frozenset[int] | None] = [None] * len(parents_of)

    def ancestors(i: int) -> frozenset[int]:
        stack = [i]
        while stack:
            node = stack[-1]
            pending = [p for p in parents_of[node] if closure[p] is None]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if closure[node] is None:
                result = {node}
                for p in parents_of[node]:
                    result |= closure[p]  # type: ignore[operator]
                closure[node] = frozenset(result)
        return closure[i]  # type: ignore[return-value]

    pointers = np.zeros(len(parents_of) + 1, dtype=np.int64)
    chunks = []
    for i in range(len(parents_of)):
        members = np.fromiter(sorted(ancestors(i)), dtype=np.int32)
        chunks.append(members)
        pointers[i + 1] = pointers[i] + len(members)
    return pointers, np.concatenate(chunks)


@dataclass(frozen=True)
class HgncRecord:
    hgnc_id: str
    symbol: str
    name: str
    ensembl_gene: str | None
    ncbi_gene: str | None
    aliases: tuple[str, ...]
    previous_symbols: tuple[str, ...]


def _split_multi(text: str) -> tuple[str, ...]:
    text = text.strip().strip('"')
    return tuple(part.strip() for part in text.split("|") if part.strip())


def read_hgnc(path: Path) -> tuple[HgncRecord, ...]:
    """hgnc_complete_set.txt: approved genes with their NCBI/Ensembl ids, aliases, previous symbols."""
    records = []
    with _open_text(path) as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = {"hgnc_id", "symbol", "entrez_id", "ensembl_gene_id"} - set(reader.fieldnames or ())
        if missing:
            raise SourceError(f"{path}: line 1: missing columns {sorted(missing)}")
        for row in reader:
            if row.get("status", "Approved") != "Approved":
                continue
            records.append(HgncRecord(
                hgnc_id=row["hgnc_id"],
                symbol=row["symbol"],
                name=row.get("name", ""),
                ensembl_gene=row["ensembl_gene_id"] or None,
                ncbi_gene=row["entrez_id"] or None,
                aliases=_split_multi(row.get("alias_symbol", "")),
                previous_symbols=_split_multi(row.get("prev_symbol", "")),
            ))
    return tuple(records)


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Tab-separated rows with their 1-based line numbers, skipping '#' comment lines."""
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("#") or not line.strip():
                continue
            yield number, line.rstrip("\r\n").split("\t")


@dataclass
class _DiseaseDraft:
    name: str
    frequencies: dict[str, list[float | None]]
    excluded: set[str]
    inheritance_terms: set[str]


def read_hpoa(path: Path) -> dict[str, _DiseaseDraft]:
    """phenotype.hpoa: each disease's features (merged over references), NOT-features, inheritance."""
    drafts: dict[str, _DiseaseDraft] = {}
    header: list[str] | None = None
    for number, fields in _rows(path):
        if header is None:
            header = fields
            expected = {"database_id", "disease_name", "qualifier", "hpo_id", "frequency", "aspect"}
            if not expected <= set(header):
                raise SourceError(f"{path}: line {number}: header lacks {sorted(expected - set(header))}")
            column = {name: i for i, name in enumerate(header)}
            continue
        if len(fields) < len(header):
            raise SourceError(f"{path}: line {number}: {len(fields)} fields, expected {len(header)}")
        disease_id = fields[column["database_id"]]
        term_id = fields[column["hpo_id"]]
        draft = drafts.setdefault(disease_id, _DiseaseDraft(fields[column["disease_name"]], {}, set(), set()))
        aspect = fields[column["aspect"]]
        if aspect == "I":
            draft.inheritance_terms.add(term_id)
            continue
        if fields[column["qualifier"]] == "NOT":
            draft.excluded.add(term_id)
            continue
        frequency = parse_frequency(fields[column["frequency"]], where=f"{path}: line {number}")
        if frequency == 0.0:
            draft.excluded.add(term_id)
        else:
            draft.frequencies.setdefault(term_id, []).append(frequency)
    if header is None:
        raise SourceError(f"{path}: empty annotation file")
    return drafts


INCOMPLETE_PENETRANCE = "HP:0003829"
"""'Typified by incomplete penetrance', an inheritance qualifier (aspect I), not a mode."""


def _has_incomplete_penetrance(term_ids: set[str], ontology: OntologyData, index: dict[str, int]) -> bool:
    """Whether the inheritance terms say 'incomplete penetrance' (alternative ids and finer terms
    such as 'Typified by low penetrance' count too)."""
    target = index.get(INCOMPLETE_PENETRANCE)
    for term_id in term_ids:
        i = index.get(ontology.alternative_ids.get(term_id, term_id))
        if i is None or target is None:
            continue
        ancestors = ontology.ancestor_indices[ontology.ancestor_pointers[i]:ontology.ancestor_pointers[i + 1]]
        if target in ancestors:  # the term itself included
            return True
    return False


def _inheritance_modes(term_ids: set[str], ontology: OntologyData, index: dict[str, int]) -> frozenset[DiseaseInheritance]:
    """Map inheritance terms to the model's modes, via ancestors for finer terms
    (e.g. 'Autosomal dominant inheritance with maternal imprinting' counts as autosomal dominant)."""
    by_id = {mode.value: mode for mode in DiseaseInheritance}
    modes = set()
    for term_id in term_ids:
        if term_id in by_id:
            modes.add(by_id[term_id])
            continue
        i = index.get(ontology.alternative_ids.get(term_id, term_id))
        if i is None:
            continue
        ancestors = ontology.ancestor_indices[ontology.ancestor_pointers[i]:ontology.ancestor_pointers[i + 1]]
        found = [by_id[ontology.terms[a].id] for a in ancestors if ontology.terms[a].id in by_id]
        modes.update(found)
    return frozenset(modes)


def read_gene_disease_links(path: Path, genes: tuple[HgncRecord, ...]) -> tuple[dict[str, set[str]], list[str]]:
    """genes_to_phenotype.txt: disease id -> current HGNC ids, joined by NCBI id, then by symbol.

    Returns the links and the gene keys that could not be placed in HGNC (reported as warnings).
    """
    by_ncbi = {g.ncbi_gene: g.hgnc_id for g in genes if g.ncbi_gene}
    by_symbol = symbol_index(genes)
    links: dict[str, set[str]] = defaultdict(set)
    unplaced: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    header_seen = False
    for number, fields in _rows(path):
        if not header_seen:
            header_seen = True
            if fields[:2] != ["ncbi_gene_id", "gene_symbol"] or "disease_id" not in fields:
                raise SourceError(f"{path}: line {number}: unexpected header {fields}")
            disease_column = fields.index("disease_id")
            continue
        key = (fields[0], fields[1], fields[disease_column])
        if key in seen:
            continue
        seen.add(key)
        hgnc_id = by_ncbi.get(fields[0]) or by_symbol.get(fields[1].upper())
        if hgnc_id is None:
            unplaced.add(f"{fields[1]} (NCBI {fields[0]})")
            continue
        links[fields[disease_column]].add(hgnc_id)
    return dict(links), sorted(unplaced)


def read_orphanet_twins(path: Path) -> dict[str, frozenset[str]]:
    """mondo.sssom.tsv: Orphanet disease (``ORPHA:n``, as HPO writes it) -> the OMIM diseases that
    are exact matches of the same Mondo disease. Only ``skos:exactMatch`` counts: a broad or
    narrow match is a different disease."""
    omim: dict[str, set[str]] = defaultdict(set)
    orphanet: dict[str, set[str]] = defaultdict(set)
    header: list[str] | None = None
    for number, fields in _rows(path):
        if header is None:
            header = fields
            if not {"subject_id", "predicate_id", "object_id"} <= set(header):
                raise SourceError(f"{path}: line {number}: not an SSSOM mapping table (header {fields[:4]})")
            subject, predicate, target = (header.index(c) for c in ("subject_id", "predicate_id", "object_id"))
            continue
        if len(fields) <= max(subject, predicate, target) or fields[predicate] != "skos:exactMatch":
            continue
        prefix, _, local = fields[target].partition(":")
        if prefix == "OMIM":
            omim[fields[subject]].add(fields[target])
        elif prefix == "Orphanet":
            orphanet[fields[subject]].add(f"ORPHA:{local}")
    return {orpha: frozenset(omim[mondo]) for mondo, orphas in orphanet.items() if omim.get(mondo) for orpha in orphas}


def link_orphanet_twins(links: dict[str, set[str]], twins: dict[str, frozenset[str]]) -> dict[str, set[str]]:
    """Give an Orphanet disease with no gene link of its own the genes of its OMIM twin(s).

    genes_to_phenotype links only part of Orphanet's entries to genes, yet their annotations
    (often the richer, with frequencies) describe the same disease as the OMIM entry.

    >>> link_orphanet_twins({"OMIM:1": {"HGNC:5"}}, {"ORPHA:9": frozenset({"OMIM:1"}), "ORPHA:8": frozenset({"OMIM:2"})})
    {'OMIM:1': {'HGNC:5'}, 'ORPHA:9': {'HGNC:5'}}
    """
    linked = dict(links)
    for orpha, omims in sorted(twins.items()):
        genes = set().union(*(links.get(o, set()) for o in omims))
        if genes and not links.get(orpha):
            linked[orpha] = genes
    return linked


def read_constraint(path: Path, genes: tuple[HgncRecord, ...]) -> dict[str, tuple[float, float]]:
    """gnomAD's per-gene constraint table: HGNC id -> (LOEUF, missense Z) of the canonical transcript.

    LOEUF (``oe_lof_upper``) is the upper bound of observed/expected loss-of-function variants:
    low = loss of function is not tolerated. Missense Z is high when missense variants are
    depleted. A missing value is NaN; genes are joined by symbol, previous symbols included
    (gnomAD v2.1 uses 2018 symbols).
    """
    by_symbol = symbol_index(genes)
    metrics: dict[str, tuple[float, float]] = {}
    header: list[str] | None = None
    for number, fields in _rows(path):
        if header is None:
            header = fields
            needed = ("gene", "canonical", "oe_lof_upper", "mis_z")
            if not set(needed) <= set(header):
                raise SourceError(f"{path}: line {number}: header lacks {sorted(set(needed) - set(header))}")
            gene, canonical, loeuf, mis_z = (header.index(c) for c in needed)
            continue
        if len(fields) < len(header):
            raise SourceError(f"{path}: line {number}: {len(fields)} fields, expected {len(header)}")
        hgnc_id = by_symbol.get(fields[gene].upper())
        if fields[canonical] != "true" or hgnc_id is None or hgnc_id in metrics:
            continue
        metrics[hgnc_id] = (_number(fields[loeuf]), _number(fields[mis_z]))
    return metrics


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def symbol_index(genes: tuple[HgncRecord, ...]) -> dict[str, str]:
    """Upper-cased symbol -> HGNC id; approved symbols win over previous symbols over aliases,
    and a previous symbol or alias shared by several genes is left out as ambiguous."""
    index: dict[str, str] = {}
    for attribute in ("previous_symbols", "aliases"):
        claims: dict[str, set[str]] = defaultdict(set)
        for gene in genes:
            for name in getattr(gene, attribute):
                claims[name.upper()].add(gene.hgnc_id)
        for name, owners in claims.items():
            if len(owners) == 1 and name not in index:
                index[name] = next(iter(owners))
    # approved symbols last so they override everything else
    ranked = {name: hgnc for name, hgnc in index.items()}
    for gene in genes:
        ranked[gene.symbol.upper()] = gene.hgnc_id
    return ranked


def build_diseases(
    drafts: dict[str, _DiseaseDraft],
    links: dict[str, set[str]],
    ontology: OntologyData,
    genes: tuple[HgncRecord, ...],
) -> tuple[Disease, ...]:
    """Assemble model Diseases; feature frequency = the highest stated over references (None if none)."""
    index = {t.id: i for i, t in enumerate(ontology.terms)}
    symbol_of = {g.hgnc_id: g.symbol for g in genes}
    diseases = []
    for disease_id in sorted(drafts):
        draft = drafts[disease_id]
        features = []
        for term_id in sorted(draft.frequencies):
            known = [f for f in draft.frequencies[term_id] if f is not None]
            features.append(TermAnnotation(term_id, max(known) if known else None))
        diseases.append(Disease(
            id=disease_id,
            name=draft.name,
            features=tuple(features),
            excluded_features=tuple(sorted(draft.excluded)),
            inheritance=_inheritance_modes(draft.inheritance_terms, ontology, index),
            gene_symbols=tuple(sorted(symbol_of[h] for h in links.get(disease_id, ()))),
            incomplete_penetrance=_has_incomplete_penetrance(draft.inheritance_terms, ontology, index),
        ))
    return tuple(diseases)


def read_sources_manifest(directory: Path) -> dict:
    """SOURCES.json of the knowledge folder (versions and licences), or {} when absent."""
    path = directory / "SOURCES.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SourceError(f"{path}: not valid JSON ({error})") from error
