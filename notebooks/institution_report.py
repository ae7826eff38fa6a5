# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
year = 2018
institution = "Dalian University of Technology"
data_path = None
column_map = None
source = None
counting = "first-named"
top_n = 50
lang = "auto"

# %%
from analysis import card, charts, partners, present, summary
from analysis.dataset import load_dataset
from analysis.details import application_details
from analysis.narrative import change_sentence, data_source, headline, method_sentences, sector_in_country
from analysis.narrative_zh import chinese_sentences
from analysis.profile import institution_profile
from analysis.ranking import ranking_table
from analysis.registry import read_registry
from analysis.schema import SECTOR_LABELS

# %%
dataset = load_dataset(data_path, counting=counting, column_map=column_map, source=source)
profile = institution_profile(dataset, institution, year)
name_zh = read_registry().name_zh(profile.institution)

# %%
present.title(
    f"{profile.institution}: PCT applications published in {year}",
    subtitle="Counts and ranks the way WIPO reports them",
    names=[profile.institution],
)

# %%
present.paragraphs(headline(profile), change_sentence(profile), names=[profile.institution])

# %%
present.paragraphs(*chinese_sentences(profile, lang, name_zh), names=[profile.institution])

# %%
present.key_figures(profile)

# %%
card.show_card(profile, counting, data_source(dataset), name_zh)

# %% [markdown]
# ## Trend over the years
#
# Published applications in each year of the data, and the ranks they earned. A lower rank is better; ranks are drawn on
# a logarithmic scale so that a place among thousands of applicants and a place among a few dozen institutions can be
# read on one chart.

# %%
present.figure(
    charts.trend(profile),
    alt=(
        f"Bar chart of the PCT applications {profile.institution} published each year, "
        "and line chart of its three ranks"
    ),
    caption=f"{profile.institution}: published PCT applications and ranks by year",
    names=[profile.institution],
)

# %%
present.table(
    profile.trend,
    "trend",
    f"{profile.institution}: published PCT applications and ranks by year",
    names=[profile.institution],
)

# %% [markdown]
# ## Among the leaders of its sector
#
# Where the institution stands among the leading applicants of its sector worldwide. It is shown even when it ranks
# below the leaders, after a gap.

# %%
leaders = summary.standing_among_top(dataset.ranked, year, profile.institution, top=top_n)

# %%
present.figure(
    charts.standing(leaders, profile.institution, f"Leading {SECTOR_LABELS[profile.sector]}, {year}"),
    alt=(
        f"Bar chart of the leading {SECTOR_LABELS[profile.sector]} by published PCT applications in {year}, "
        f"with {profile.institution} highlighted"
    ),
    caption=f"Leading {SECTOR_LABELS[profile.sector]} by published PCT applications, {year}",
)

# %%
sector_top = ranking_table(dataset.ranked, year, sector=profile.sector, top=top_n)

# %%
present.table(
    sector_top,
    "sector_top",
    f"Top {top_n} {SECTOR_LABELS[profile.sector]}, {year}",
    highlight=profile.institution,
    columns=present.ranking_columns(year, overall_rank=True),
)

# %% [markdown]
# ## In its country
#
# The institutions of the same sector and country, ranked among themselves.

# %%
country_top = ranking_table(dataset.ranked, year, sector=profile.sector, country=profile.country, top=top_n)

# %%
present.table(
    country_top,
    "country_sector_top",
    f"Top {top_n} {sector_in_country(profile.sector, profile.country)}, {year}",
    highlight=profile.institution,
    columns=present.ranking_columns(year, overall_rank=True),
)

# %% [markdown]
# ## Nearest peers
#
# The applicants ranked just above and just below the institution in its sector worldwide.

# %%
present.table(
    summary.peers(dataset.ranked, year, profile.institution, scope="sector"),
    "peers",
    f"{profile.institution} and its nearest peers among {SECTOR_LABELS[profile.sector]}, {year}",
    highlight=profile.institution,
    columns=["rank", "applicant", "country", "published"],
)

# %% [markdown]
# ## Fields of technology
#
# The institution's applications by field of technology (WIPO's 35 fields), its share in each field against the share of
# that field among all applications of its sector worldwide, and its rank among its sector in each field. The
# specialisation index divides the first share by the second: above 1, the institution files relatively more in that
# field than institutions of its kind do. Fields follow WIPO's IPC–Technology Concordance (U. Schmoch, 2008, annex of
# WIPO document IPC/CE/41/5); an application in several fields is divided equally among them.

# %%
details = application_details(dataset, [year - 1, year])
present.paragraphs(*details.notes())

# %%
present.table(
    details.institution_fields(profile.institution, year),
    "fields",
    f"{profile.institution}: leading fields of technology, {year}",
    columns=["field", "tech_sector", "applications", "share", "sector_share", "specialisation", "rank_in_sector"],
    names=[profile.institution],
)

# %% [markdown]
# ## Partners
#
# The co-applicants named on the institution's applications, by sector, and how many of its applications it filed with a
# partner. Every applicant named counts as a partner, whatever the counting rule.

# %%
present.table(
    partners.partnership_share(details.applications, profile.institution),
    "partnership_share",
    f"{profile.institution}: applications filed with a partner",
    names=[profile.institution],
)

# %%
present.table(
    partners.partner_sectors(details.applications, profile.institution),
    "partner_sectors",
    f"{profile.institution}: partners by sector",
    names=[profile.institution],
)

# %%
present.table(
    partners.institution_partners(details.applications, profile.institution).head(15),
    "partners",
    f"{profile.institution}: co-applicants, {year - 1}–{year}",
    columns=["year", "partner", "sector", "country", "applications"],
    names=[profile.institution],
)

# %% [markdown]
# ## Methods and data
#
# Applications are counted by the year in which they were published, not the year they were filed. Applicant names are
# harmonised with a reviewed alias table before counting. Figures marked † reproduce what WIPO published; figures marked
# ‡ are synthetic demonstration data and describe no real applicant's activity.

# %%
present.paragraphs(*method_sentences(dataset, year))

# %%
present.table(summary.provenance_counts(dataset.ranked, year), "sources", f"Where the figures for {year} come from")

# %%
present.provenance(dataset)
