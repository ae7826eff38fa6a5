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
data_path = None
column_map = None
source = None
counting = "first-named"
top_n = 50
country = "CN"

# %%
from analysis import charts, partners, present, summary
from analysis.dataset import load_dataset
from analysis.details import application_details
from analysis.narrative import method_sentences, sector_in_country
from analysis.ranking import ranking_table

# %%
dataset = load_dataset(data_path, counting=counting, column_map=column_map, source=source)

# %%
present.title(f"PCT rankings {year}", subtitle="Published PCT applications by applicant, the way WIPO ranks them")

# %% [markdown]
# ## Top applicants
#
# All applicants, whatever their sector, ranked by the PCT applications published in the year.

# %%
present.table(
    ranking_table(dataset.ranked, year, top=top_n),
    "top_applicants",
    f"Top {top_n} PCT applicants, {year}",
    columns=present.ranking_columns(year),
)

# %% [markdown]
# ## Educational institutions
#
# Universities and other educational institutions, with their rank among all applicants as WIPO prints it.

# %%
present.table(
    ranking_table(dataset.ranked, year, sector="education", top=top_n),
    "top_education",
    f"Top {top_n} educational institutions, {year}",
    columns=present.ranking_columns(year, overall_rank=True),
)

# %% [markdown]
# ## Find an educational institution
#
# Every educational institution with published applications in the year, not only the leaders: on screen, type part of a
# name to find it, or click a heading to sort. The printed report keeps the top of the ranking above; the full list is
# among the report's tables (CSV and XLSX).

# %%
present.searchable_table(
    ranking_table(dataset.ranked, year, sector="education", top=float("inf")),
    "all_education",
    f"All educational institutions, {year}",
    columns=present.ranking_columns(year, overall_rank=True),
)

# %% [markdown]
# ## Educational institutions of one country

# %%
present.table(
    ranking_table(dataset.ranked, year, sector="education", country=country, top=top_n),
    "top_education_country",
    f"Top {top_n} {sector_in_country('education', country)}, {year}",
    columns=present.ranking_columns(year, overall_rank=True),
)

# %% [markdown]
# ## Shares by sector and by country
#
# How the year's published applications divide between the sectors, and between the countries of the first-named
# applicants.

# %%
sector_shares = summary.shares_by_sector(dataset.ranked, year)

# %%
present.figure(
    charts.shares(sector_shares, f"Published PCT applications by sector, {year}"),
    alt=f"Bar chart of each sector's share of the PCT applications published in {year}",
    caption=f"Share of published PCT applications by sector, {year}",
)

# %%
present.table(
    sector_shares,
    "sector_shares",
    f"Published PCT applications by sector, {year}",
    columns=["label", "applicants", "published", "share"],
)

# %%
country_shares = summary.shares_by_country(dataset.ranked, year, top=10)

# %%
present.figure(
    charts.shares(country_shares, f"Published PCT applications by country, {year}"),
    alt=(
        f"Bar chart of the ten leading countries' shares of the PCT applications published in {year}, "
        "the rest as others"
    ),
    caption=(
        f"Share of published PCT applications by country of the applicant, {year}: the ten largest, then all others"
    ),
)

# %%
present.table(
    country_shares,
    "country_shares",
    f"Published PCT applications by country, {year}",
    columns=["label", "applicants", "published", "share"],
)

# %% [markdown]
# ## Fields of technology
#
# The year's applications by WIPO's 35 fields of technology and its five sectors of technology, the fields that grew
# fastest since the year before, and the leading applicant of each field. IPC symbols are assigned to fields with WIPO's
# IPC–Technology Concordance (U. Schmoch, *Concept of a Technology Classification for Country Comparisons*, final
# report to WIPO, 2008, annex of WIPO document IPC/CE/41/5). An application classified in several fields is divided
# equally among them (fractional counting by field), then credited to its applicants by the report's counting rule.

# %%
details = application_details(dataset, [year - 1, year])
by_field = details.annual_fields(year)
present.paragraphs(*details.notes())

# %%
present.table(
    by_field and by_field.by_sector, "technology_sectors", f"Published PCT applications by sector of technology, {year}"
)

# %%
present.table(
    by_field and by_field.by_field,
    "fields",
    f"Published PCT applications by field of technology, {year}",
    columns=["field", "tech_sector", "applications", "share", "applications_previous", "growth"],
)

# %%
present.table(
    by_field and by_field.fastest,
    "fastest_fields",
    f"Fastest-growing fields of technology, {year - 1} to {year}",
    columns=["field", "applications_previous", "applications", "growth"],
)

# %%
present.table(
    by_field and by_field.leaders,
    "field_leaders",
    f"Leading applicant of each field of technology, {year}",
    columns=["field", "applicant", "country", "sector", "applications"],
)

# %% [markdown]
# ## Co-applications
#
# How many applications name more than one applicant, and how often universities file together with businesses, by the
# university's country.

# %%
present.table(
    partners.co_application_share(details.applications), "co_applications", "Applications with more than one applicant"
)

# %%
present.table(
    partners.university_business(details.applications, year).head(15),
    "university_business",
    f"University–business co-applications by country of the university, {year}",
)

# %% [markdown]
# ## Biggest movers
#
# The applicants that climbed or fell furthest among all applicants since the year before. Only applicants with
# published applications in both years, and ranked among the leaders in at least one of them, are compared: further
# down, one application more or less moves an applicant by hundreds of places.

# %%
movers = summary.biggest_movers(dataset.ranked, year, count=10, among_top=2 * top_n)

# %%
present.figure(
    charts.movers(movers, f"Biggest moves in rank, {year - 1} to {year}"),
    alt=f"Bar chart of the places the biggest movers gained or lost between {year - 1} and {year}",
    caption=f"Places gained or lost among all applicants, {year - 1} to {year}",
)

# %%
present.table(
    movers,
    "movers",
    f"Biggest moves in rank among all applicants, {year - 1} to {year}",
    columns=present.movers_columns(year),
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
