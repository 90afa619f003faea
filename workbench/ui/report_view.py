"""The whole report on screen, section by section as the PDF prints it (Sign-out shows what is signed)."""
from __future__ import annotations

import streamlit as st

from workbench.report.content import DETAIL_FIELDS, NOT_RECORDED, ReportContent


def missing_elements(content: ReportContent) -> list[str]:
    """What a clinical report must carry and this one lacks (identifiers, indication, terms, text)."""
    missing = list(content.details.missing())
    if not content.indication.strip():
        missing.append("clinical indication")
    if not any(not t.excluded for t in content.phenotype):
        missing.append("HPO terms")
    if not content.interpretation.strip():
        missing.append("interpretation")
    if not content.qc:
        missing.append("QC figures (save the draft with the case analysed)")
    return missing


def show(content: ReportContent) -> None:
    """Every element of the report, in the PDF's order (result summary first)."""
    if not content.signed:
        st.warning("DRAFT — not signed, not for clinical use.", icon=":material/edit_note:")
    if content.amended:
        st.error(f"AMENDED REPORT — version {content.version} replaces version {content.version - 1}. "
                 f"What changed: {content.amendment_reason or 'not stated'}", icon=":material/history:")
    st.subheader(f"Result: {content.overall.value}")
    st.markdown(content.summary)

    st.markdown("##### Patient, family and specimen")
    details = content.details
    rows = [{"": label, "value": getattr(details, name) or NOT_RECORDED} for name, label, _ in DETAIL_FIELDS]
    rows.insert(3, {"": "Sex", "value": content.proband.sex.value})
    rows.insert(4, {"": "Family", "value": f"{content.family_id}: " + ", ".join(s.id for s in content.family)})
    st.dataframe(rows, hide_index=True, width="stretch", key=f"view_details_{content.version}")

    st.markdown("##### Clinical indication")
    st.write(content.indication or f"_{NOT_RECORDED}_")
    observed = [t for t in content.phenotype if not t.excluded]
    excluded = [t for t in content.phenotype if t.excluded]
    st.markdown("**HPO terms:** " + ("; ".join(f"{t.label} ({t.id})" for t in observed) or "none recorded"))
    st.markdown("**Excluded (checked and absent):** " + ("; ".join(f"{t.label} ({t.id})" for t in excluded) or "none"))

    st.markdown("##### Variants")
    if not content.results:
        st.write("No variant explaining the phenotype was identified.")
    for r in content.results:
        with st.expander(f"{r.gene_symbol} {r.hgvs} — {r.classification.value}", expanded=True):
            st.markdown(
                f"- **HGVS (RefSeq):** {r.hgvs_refseq or r.hgvs_coding or 'not annotated'}"
                f"{' · ' + (r.protein_refseq or r.hgvs_protein or '') if r.hgvs_protein else ''}\n"
                f"- **HGVS (Ensembl):** {r.hgvs_ensembl or 'not annotated'}"
                f"{' · ' + r.protein_ensembl if r.protein_ensembl else ''}\n"
                f"- **Transcript:** {r.mane_status or 'not a MANE transcript'}\n"
                f"- **Genomic:** {r.genomic} · {r.consequence or 'consequence not annotated'}\n"
                f"- **Zygosity:** {r.zygosity.value} · **Inheritance:** {r.inheritance_text}\n"
                f"- **Classification:** {r.classification.value} ({r.assessment.rule})\n"
                f"- **Criteria:** " + ("; ".join(f"{c.label} ({c.strength.value}){': ' + c.reason if c.reason else ''}"
                                                 for c in r.assessment.criteria) or "none") + "\n"
                f"- **Condition:** " + (f"{r.condition_label} ({r.condition_ids}); inheritance: "
                                        f"{r.condition_inheritance or 'not annotated'}" if r.condition_id else "none"))

    if content.input_warnings:
        st.markdown("##### Input warnings")
        for warning in content.input_warnings:
            st.warning(warning, icon=":material/warning:")
    for title, text in (("Interpretation", content.interpretation), ("Recommendations", content.recommendations),
                        ("Limitations", content.limitations), ("Secondary findings", content.secondary_findings)):
        st.markdown(f"##### {title}")
        st.write(text or f"_{NOT_RECORDED}_")

    st.markdown("##### Method and QC")
    method = content.method
    st.markdown(f"{method.test_name} · {details.data_type or 'data type not recorded'} · "
                f"{details.platform or 'platform not recorded'} · pipeline {details.pipeline or NOT_RECORDED} · "
                f"{method.genome_build} · {method.software} · knowledge {method.knowledge_version} · transcripts "
                f"{method.transcripts or 'not looked up'} · annotation {method.annotation_source or NOT_RECORDED}")
    if content.qc:
        st.dataframe([{"measure": q.name, "value": q.value, "expected": q.expected, "assessment": q.status}
                      for q in content.qc], hide_index=True, width="stretch", key=f"view_qc_{content.version}")
        outside = [q.name for q in content.qc if q.status == "outside range"]
        if outside:
            st.error(f"{len(outside)} QC figure(s) outside the expected range: {', '.join(outside)}. "
                     "The report states this; check the QC page before signing.", icon=":material/error:")
    if content.amendments:
        st.markdown("##### Version history")
        for a in content.amendments:
            st.markdown(f"- Version {a.version}: {a.reason} — {a.signed_by or '-'}"
                        f"{f', {a.signed_at:%Y-%m-%d %H:%M} UTC' if a.signed_at else ''}")
    if content.signature:
        st.markdown(f"##### Signature\nSigned by {content.signature.name} on "
                    f"{content.signature.signed_at:%Y-%m-%d %H:%M} UTC.")
