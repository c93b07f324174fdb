-- Territories of one phase with their identity and size, for the map and the territory list; one territory
-- when $ti is given (no row if the id is unknown in that phase).
-- params: $phase INTEGER, $ti VARCHAR (NULL = every territory)
-- columns: ti_id, nom, region_code, region_nom, departements, departements_noms, population, nb_membres, nb_intercommunalites, nb_communes, geometrie_source
with territoires as (
    select * from territoire where phase = $phase and ($ti is null or ti_id = $ti)
),

noms_departements as (
    -- names in the order of the territory's population by département (largest first)
    select
        td.ti_id,
        string_agg(d.nom || ' (' || d.code || ')', ', ' order by td.population desc) as departements_noms
    from territoire_departement as td
    inner join departement as d on d.code = td.departement_code
    where td.phase = $phase and ($ti is null or td.ti_id = $ti)
    group by td.ti_id
),

final as (
    select
        t.ti_id,
        t.nom,
        t.region_code,
        r.nom as region_nom,
        t.departements,
        n.departements_noms,
        t.population,
        t.nb_membres,
        t.nb_intercommunalites,
        t.nb_communes,
        t.geometrie_source
    from territoires as t
    inner join region as r on r.code = t.region_code
    inner join noms_departements as n on n.ti_id = t.ti_id
)

select * from final
order by nom, ti_id
