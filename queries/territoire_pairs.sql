-- The territories of the same phase closest to one territory in population (log scale) and industrial share.
-- params: $phase INTEGER, $ti VARCHAR
-- columns: ti_id, nom, population, part_industrie, distance
with territoires as (
    select t.ti_id, t.nom, t.population, i.part_industrie
    from territoire as t
    inner join territoire_industrie as i using (phase, ti_id)
    where t.phase = $phase
),

choisi as (
    select * from territoires where ti_id = $ti
),

final as (
    -- one unit of distance = a factor e in population, or 10 points of industrial share
    select
        t.ti_id,
        t.nom,
        t.population,
        t.part_industrie,
        sqrt(power(ln(t.population / c.population), 2)
             + power(coalesce((t.part_industrie - c.part_industrie) * 10, 0), 2)) as distance
    from territoires as t
    cross join choisi as c
    where t.ti_id <> c.ti_id
      and (c.part_industrie is null) = (t.part_industrie is null)
)

select * from final
order by distance, ti_id
limit 5
