"""The charts plot exactly the library's numbers: score parts that add up, per-term contributions."""
from workbench.model import InheritanceMode
from workbench.ranking.result import Explanation, RankedGene, TermEvidence
from workbench.ui.charts import phenotype_heatmap, score_breakdown

TERMS = (TermEvidence("HP:1", "HP:10", 1.5), TermEvidence("HP:2", None, -0.2), TermEvidence("HP:3", "HP:10", -0.5, True))
GENE = RankedGene(1, "GENE1", None, 0.9, 2.0, 0.5, 1.0, -4.0, None, InheritanceMode.DE_NOVO, (),
                  Explanation("p", "ph", "v", "i", term_source=lambda: TERMS))


def test_score_breakdown_bars_are_the_parts_and_the_diamond_their_sum():
    figure = score_breakdown([GENE])
    bars = {trace.name: trace.x[0] for trace in figure.data if trace.type == "bar"}
    assert bars == {"prior": -4.0, "phenotype": 2.0, "variant": 0.5, "inheritance": 1.0}
    (diamond,) = [trace for trace in figure.data if trace.type == "scatter"]
    assert diamond.x[0] == sum(bars.values()) == GENE.score


def test_heatmap_rows_are_patient_terms_and_cells_their_contribution():
    figure = phenotype_heatmap(TERMS, lambda term: term.replace("HP:", "T"))
    heatmap = figure.data[0]
    assert list(heatmap.y) == ["T1", "T2", "T3 (excluded)"] and list(heatmap.x) == ["T10"]
    assert [row[0] for row in heatmap.z] == [1.5, None, -0.5]  # an unmatched term has no cell


def test_heatmap_hover_says_how_each_term_matched_and_why_it_counts_less():
    how = "exact; counted ×0.67, one of 3 terms under Abnormality of the face"
    figure = phenotype_heatmap((TermEvidence("HP:1", "HP:10", 1.0, how=how),), str)
    assert figure.data[0].customdata[0][0] == how
    assert "%{customdata}" in figure.data[0].hovertemplate


def test_no_heatmap_without_a_matched_disease_term():
    assert phenotype_heatmap((TermEvidence("HP:1", None, 0.0),), str) is None
