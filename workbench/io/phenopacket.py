"""GA4GH phenopacket v2 (JSON) in: the proband's observed and excluded HPO terms and the VCF.

A phenopacket is how another tool (or a curator) hands us a patient: ``subject.id``,
``phenotypicFeatures`` (each a ``type.id`` HPO term, ``excluded: true`` for a finding looked
for and absent) and ``files`` (the VCF ``uri`` with ``individualToFileIdentifiers`` mapping the
subject to its sample column). Only the JSON encoding is read; terms are kept as written here
and mapped to the current HPO (obsolete and alternative ids, with warnings) when a case is
ranked, by :func:`workbench.ranking.case.resolve_profile`.

>>> import io
>>> packet = read_phenopacket(io.StringIO('''{"id": "case1", "subject": {"id": "P1", "sex": "MALE"},
...   "phenotypicFeatures": [{"type": {"id": "HP:0001250"}},
...                          {"type": {"id": "HP:0001263"}, "excluded": true}],
...   "files": [{"uri": "file:///data/trio.vcf.gz", "individualToFileIdentifiers": {"P1": "kid"}}]}'''))
>>> packet.subject_id, packet.profile.observed, packet.profile.excluded
('P1', ('HP:0001250',), ('HP:0001263',))
>>> packet.vcf_paths, packet.sample_id
((PosixPath('/data/trio.vcf.gz'),), 'kid')
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Sequence
from urllib.parse import unquote, urlparse

from workbench.io.errors import InputError, check_term_conflicts
from workbench.model import PhenotypeProfile, Sex

_SEX = {"MALE": Sex.MALE, "FEMALE": Sex.FEMALE}
_VCF_SUFFIXES = (".vcf", ".vcf.gz", ".vcf.bgz", ".bcf")


@dataclass(frozen=True)
class Phenopacket:
    """What a ranking needs from one phenopacket; ``sample_id`` is the subject's VCF column."""

    id: str
    subject_id: str
    sex: Sex
    profile: PhenotypeProfile
    vcf_paths: tuple[Path, ...]
    sample_id: str
    source: str
    sv_vcf_paths: tuple[Path, ...] = ()  # VCFs the file list describes as CNV/SV calls (issue 22)


def read_phenopacket(path_or_handle: str | Path | IO[str]) -> Phenopacket:
    """Parse a phenopacket v2 JSON file; relative file URIs are taken from the packet's folder."""
    source, base = "<phenopacket>", Path.cwd()
    try:
        if hasattr(path_or_handle, "read"):
            source = getattr(path_or_handle, "name", source)
            data = json.load(path_or_handle)  # type: ignore[arg-type]
        else:
            path = Path(path_or_handle)
            source, base = str(path), path.resolve().parent
            with open(path, encoding="utf-8-sig") as fh:
                data = json.load(fh)
    except OSError as error:
        raise InputError(f"{source}: cannot read the phenopacket ({error.strerror or error})") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{source} line {error.lineno}: not valid JSON ({error.msg})") from None
    except UnicodeDecodeError:
        raise InputError(f"{source}: not a UTF-8 text file (a phenopacket is JSON)") from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: a phenopacket is a JSON object, found {type(data).__name__}")
    subject = _object(data.get("subject"), "subject", source)
    subject_id = str(subject.get("id") or "")
    if not subject_id:
        raise InputError(f"{source}: the phenopacket has no subject.id")
    observed, excluded = _features(_list(data.get("phenotypicFeatures"), "phenotypicFeatures", source), source)
    check_term_conflicts(observed, excluded, source)
    files = _list(data.get("files"), "files", source) + [
        _v1_file(entry) for entry in _list(data.get("htsFiles"), "htsFiles", source)]
    vcf_paths, sample_id = _files(files, subject_id, base, source)
    sv_paths = _structural_files(files, vcf_paths)
    return Phenopacket(id=str(data.get("id") or subject_id), subject_id=subject_id,
                       sex=_SEX.get(str(subject.get("sex", "")).upper(), Sex.UNKNOWN),
                       profile=PhenotypeProfile(observed=observed, excluded=excluded),
                       vcf_paths=tuple(p for p in vcf_paths if p not in sv_paths), sample_id=sample_id,
                       source=source, sv_vcf_paths=sv_paths)


_SV_WORDS = ("structural", "copy-number", "copy number", "cnv")
_SV_SUFFIXES = (".sv.vcf", ".sv.vcf.gz", ".cnv.vcf", ".cnv.vcf.gz", ".sv.vcf.bgz", ".cnv.vcf.bgz")


def _structural_files(files: Sequence[Any], vcf_paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """The VCFs among ``vcf_paths`` that hold CNV/SV calls: described as such in fileAttributes,
    or named ``*.sv.vcf.gz`` / ``*.cnv.vcf.gz``."""
    described = set()
    for entry in files:
        attributes = entry.get("fileAttributes") if isinstance(entry, dict) else None
        text = str(attributes.get("description", "")).lower() if isinstance(attributes, dict) else ""
        if any(word in text for word in _SV_WORDS):
            described.add(Path(unquote(urlparse(str(entry.get("uri") or "")).path)).name)
    return tuple(p for p in vcf_paths if p.name in described or p.name.lower().endswith(_SV_SUFFIXES))


def _list(value: Any, where: str, source: str) -> list:
    """``value`` as a JSON array (absent = empty), else an InputError naming the field."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{source}: {where} is not a list (found {type(value).__name__})")
    return value


def _object(value: Any, where: str, source: str) -> dict:
    """``value`` as a JSON object (absent = empty), else an InputError naming the field."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{source}: {where} is not an object (found {type(value).__name__})")
    return value


def _features(features: Sequence[Any], source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    observed: list[str] = []
    excluded: list[str] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            raise InputError(f"{source}: phenotypicFeatures[{index}] is not an object (found {type(feature).__name__})")
        term_id = str(_object(feature.get("type"), f"phenotypicFeatures[{index}].type", source).get("id") or "").strip()
        if not term_id.startswith("HP:"):
            raise InputError(f"{source}: phenotypicFeatures[{index}] has no HPO type.id (found {term_id!r})")
        (excluded if feature.get("excluded") else observed).append(term_id)
    return tuple(dict.fromkeys(observed)), tuple(dict.fromkeys(excluded))


def _v1_file(entry: Any) -> Any:
    """A phenopacket v1 ``htsFiles`` entry in the v2 ``files`` shape (other values are left to _files to refuse)."""
    if not isinstance(entry, dict):
        return entry
    return {"uri": entry.get("uri"), "fileAttributes": {"fileFormat": str(entry.get("htsFormat") or "")},
            "individualToFileIdentifiers": entry.get("individualToSampleIdentifiers")}


def _files(files: Sequence[Any], subject_id: str, base: Path, source: str) -> tuple[tuple[Path, ...], str]:
    """The VCF paths among ``files`` and the subject's sample id in them (the subject id if unmapped)."""
    paths: list[Path] = []
    sample_id = subject_id
    for index, entry in enumerate(files):
        if not isinstance(entry, dict):
            raise InputError(f"{source}: files[{index}] is not an object (found {type(entry).__name__})")
        uri = str(entry.get("uri") or "")
        attributes = _object(entry.get("fileAttributes"), f"files[{index}].fileAttributes", source)
        is_vcf = str(attributes.get("fileFormat", "")).lower() in ("vcf", "bcf") or uri.lower().endswith(_VCF_SUFFIXES)
        if not uri or not is_vcf:
            continue
        parsed = urlparse(uri)
        if parsed.scheme not in ("", "file"):
            raise InputError(f"{source}: only local VCF files can be read, not {uri!r}")
        path = Path(unquote(parsed.path if parsed.scheme else uri))
        paths.append(path if path.is_absolute() else base / path)
        identifiers = _object(entry.get("individualToFileIdentifiers"), f"files[{index}].individualToFileIdentifiers", source)
        sample_id = str(identifiers.get(subject_id, sample_id))
    return tuple(paths), sample_id

