-- One indicator at one date for every territory of a phase, read through its départements (table
-- territoire_indicateur, the method of relance/schema.sql: rate, estimate, completeness), with its rank by rate
-- among the complete territories.
-- params: $phase INTEGER, $indicateur VARCHAR, $date DATE
-- columns: ti_id, estimation, taux_10000, valeurs_departements, rang, ex_aequo, nb_territoires
with valeurs as (
    select *
    from territoire_indicateur
    where phase = $phase and id_indicateur = $indicateur and date = $date
),

rangs as (
    select
        ti_id,
        estimation,
        taux_10000,
        valeurs_departements,
        case when complet then rank() over (partition by complet order by taux_10000 desc) end as rang,
        count(*) filter (where complet) over () as nb_territoires
    from valeurs
),

final as (
    -- territories with the same rate (the same départements) share a rank: "ex aequo"
    select *, rang is not null and count(*) over (partition by rang) > 1 as ex_aequo
    from rangs
)

select ti_id, estimation, taux_10000, valeurs_departements, rang, ex_aequo, nb_territoires from final
order by ti_id
