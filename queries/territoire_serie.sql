-- Series of one indicator for a territory, its région and France, per 10,000 inhabitants, all three built the
-- same way from département values (table territoire_indicateur for the territory; sum of the départements'
-- values over the sum of their populations for the région and France), and the published national value beside
-- them (it counts a company aided in several départements once). From January 2020 (France Relance period).
-- params: $phase INTEGER, $ti VARCHAR, $indicateur VARCHAR
-- columns: date, taux_territoire, estimation_territoire, taux_region, taux_france, taux_france_publie, region_nom
with territoire_choisi as (
    select t.region_code, r.nom as region_nom
    from territoire as t
    inner join region as r on r.code = t.region_code
    where t.phase = $phase and t.ti_id = $ti
),

dep as (
    -- the territory read through its départements (table territoire_indicateur), France Relance period only
    select date, taux_10000 as taux_territoire, estimation as estimation_territoire
    from territoire_indicateur
    where phase = $phase and ti_id = $ti and id_indicateur = $indicateur and date >= date '2020-01-01' and complet
),

valeurs as (
    select v.date, v.valeur, d.population, d.region_code
    from indicateur_valeur as v
    inner join departement as d on d.code = v.code
    where v.id_indicateur = $indicateur and v.maille = 'departement' and v.date >= date '2020-01-01'
),

reg as (
    select date, sum(valeur) / sum(population) * 10000 as taux_region
    from valeurs
    where region_code = (select region_code from territoire_choisi)
    group by date
),

fr as (
    select date, sum(valeur) / sum(population) * 10000 as taux_france
    from valeurs
    group by date
),

nat as (
    select v.date, v.valeur / (select sum(population) from departement) * 10000 as taux_france_publie
    from indicateur_valeur as v
    where v.id_indicateur = $indicateur and v.maille = 'national'
),

final as (
    select
        dep.date,
        dep.taux_territoire,
        dep.estimation_territoire,
        reg.taux_region,
        fr.taux_france,
        nat.taux_france_publie,
        (select region_nom from territoire_choisi) as region_nom
    from dep
    left join reg on reg.date = dep.date
    left join fr on fr.date = dep.date
    left join nat on nat.date = dep.date
)

select * from final
order by date
