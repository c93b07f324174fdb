-- Départements a territory spans, with the share of its population in each and the share of each département inside it.
-- params: $phase INTEGER, $ti VARCHAR
-- columns: departement_code, departement_nom, population, part_territoire, part_departement
with parts as (
    select * from territoire_departement where phase = $phase and ti_id = $ti
),

final as (
    select
        p.departement_code,
        d.nom as departement_nom,
        p.population,
        p.part_territoire,
        p.part_departement
    from parts as p
    inner join departement as d on d.code = p.departement_code
)

select * from final
order by population desc
