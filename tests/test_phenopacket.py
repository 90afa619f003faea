"""Phenopacket v2 in: terms with ``excluded``, the VCF from ``files``, clear errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.io import InputError
from workbench.io.phenopacket import read_phenopacket

FIXTURES = Path(__file__).parent / "fixtures" / "ranking"


def test_reads_terms_vcf_and_sample_with_relative_uri():
    packet = read_phenopacket(FIXTURES / "proband.phenopacket.json")
    assert packet.subject_id == "kid" and packet.sample_id == "kid"
    assert packet.profile.observed == ("HP:0001250", "HP:0002133", "HP:0001263")
    assert packet.profile.excluded == ("HP:0001166",)
    assert packet.vcf_paths == ((FIXTURES / "trio.vcf").resolve(),)


def test_bad_packets_are_refused_with_the_file_named(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x",\n "subject": ')
    with pytest.raises(InputError, match=r"broken.json line 2"):
        read_phenopacket(broken)
    no_subject = tmp_path / "nosubject.json"
    no_subject.write_text(json.dumps({"id": "x", "phenotypicFeatures": []}))
    with pytest.raises(InputError, match="subject.id"):
        read_phenopacket(no_subject)
    bad_term = tmp_path / "badterm.json"
    bad_term.write_text(json.dumps({"subject": {"id": "p"}, "phenotypicFeatures": [{"type": {"id": "MONDO:1"}}]}))
    with pytest.raises(InputError, match=r"phenotypicFeatures\[0\]"):
        read_phenopacket(bad_term)


@pytest.mark.parametrize("packet, where", [
    ({"subject": "p"}, "subject"),
    ({"subject": {"id": "p"}, "phenotypicFeatures": ["HP:0001250"]}, r"phenotypicFeatures\[0\]"),
    ({"subject": {"id": "p"}, "files": [None]}, r"files\[0\]"),
    ({"subject": {"id": "p"}, "phenotypicFeatures": [{"type": "HP:0001250"}]}, r"phenotypicFeatures\[0\]\.type is not an object"),
    ({"subject": {"id": "p"}, "files": [{"uri": "a.vcf", "fileAttributes": "vcf"}]}, r"files\[0\]\.fileAttributes is not an object"),
    ({"subject": {"id": "p"}, "files": [{"uri": "a.vcf", "individualToFileIdentifiers": "p"}]},
     r"files\[0\]\.individualToFileIdentifiers is not an object"),
    ({"subject": {"id": "p"}, "phenotypicFeatures": {"type": {"id": "HP:0001250"}}}, r"phenotypicFeatures is not a list"),
    ({"subject": {"id": "p"}, "files": "a.vcf"}, r"files is not a list"),
])
def test_entries_that_are_not_objects_are_refused_by_name(tmp_path, packet, where):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(packet))
    with pytest.raises(InputError, match=where):
        read_phenopacket(path)


def test_binary_file_is_refused_by_name(tmp_path):
    path = tmp_path / "packet.json.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00\xff\xfe")
    with pytest.raises(InputError, match="packet.json.gz: not a UTF-8"):
        read_phenopacket(path)
