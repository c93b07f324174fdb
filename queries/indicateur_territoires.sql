-- One indicator at one date for every territory of a phase, from its départements' values:
-- taux_10000 is the population-weighted rate of its départements; estimation shares each département's value
-- by the share of the département's population living in the territory (an estimate, not a count).
-- params: $phase INTEGER, $indicateur VARCHAR, $date DATE
-- columns: ti_id, estimation, taux_10000, departements_valeurs, rang, nb_territoires
with valeurs as (
    select code, valeur
    from indicateur_valeur
    where id_indicateur = $indicateur and maille = 'departement' and date = $date
),

parts as (
    select
        td.ti_id,
        td.departement_code,
        td.part_territoire,
        td.part_departement,
        v.valeur,
        d.population as population_departement,
        d.nom
    from territoire_departement as td
    inner join departement as d on d.code = td.departement_code
    left join valeurs as v on v.code = td.departement_code
    where td.phase = $phase
),

par_territoire as (
    select
        ti_id,
        sum(valeur * part_departement) as estimation,
        sum(valeur / population_departement * 10000 * part_territoire) as taux_10000,
        string_agg(nom || ' : ' || coalesce(cast(cast(valeur as bigint) as varchar), 'n.d.'), ', '
                   order by part_territoire desc) as departements_valeurs,
        count(valeur) = count(*) as complet
    from parts
    group by ti_id
),

final as (
    select
        ti_id,
        case when complet then estimation end as estimation,
        case when complet then taux_10000 end as taux_10000,
        departements_valeurs,
        case when complet then rank() over (partition by complet order by taux_10000 desc) end as rang,
        count(*) filter (where complet) over () as nb_territoires
    from par_territoire
)

select * from final
order by ti_id
