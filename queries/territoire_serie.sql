-- Monthly series of one indicator for a territory (population-weighted rate of its départements, and the
-- estimate shared out by population), its région and France, per 10,000 inhabitants.
-- From January 2020 (France Relance period).
-- params: $phase INTEGER, $ti VARCHAR, $indicateur VARCHAR
-- columns: date, taux_territoire, estimation_territoire, taux_region, taux_france, region_nom
with territoire_choisi as (
    select phase, ti_id, region_code from territoire where phase = $phase and ti_id = $ti
),

dep as (
    -- the territory read through its départements (table territoire_indicateur), France Relance period only
    select date, taux_10000 as taux_territoire, estimation as estimation_territoire
    from territoire_indicateur
    where phase = $phase and ti_id = $ti and id_indicateur = $indicateur and date >= date '2020-01-01' and complet
),

population_region as (
    select d.region_code, sum(d.population) as population
    from departement as d
    group by d.region_code
),

reg as (
    select v.date, v.valeur / pr.population * 10000 as taux_region, r.nom as region_nom
    from indicateur_valeur as v
    inner join territoire_choisi as t on t.region_code = v.code
    inner join population_region as pr on pr.region_code = v.code
    inner join region as r on r.code = v.code
    where v.id_indicateur = $indicateur and v.maille = 'region'
),

nat as (
    select v.date, v.valeur / (select sum(population) from departement) * 10000 as taux_france
    from indicateur_valeur as v
    where v.id_indicateur = $indicateur and v.maille = 'national'
),

final as (
    select
        dep.date,
        dep.taux_territoire,
        dep.estimation_territoire,
        reg.taux_region,
        nat.taux_france,
        coalesce(reg.region_nom, (select r.nom from region r, territoire_choisi t where r.code = t.region_code))
            as region_nom
    from dep
    left join reg on reg.date = dep.date
    left join nat on nat.date = dep.date
)

select * from final
order by date
