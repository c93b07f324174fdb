-- Industrial share of jobs of every territory of a phase (job-weighted over its members), with its rank.
-- params: $phase INTEGER
-- columns: ti_id, nom, population, part_industrie, emplois_salaries_prives, membres_couverts, membres, rang, nb_territoires
with industrie as (
    select i.*, t.nom, t.population
    from territoire_industrie as i
    inner join territoire as t using (phase, ti_id)
    where i.phase = $phase
),

final as (
    select
        ti_id,
        nom,
        population,
        part_industrie,
        emplois_salaries_prives,
        membres_couverts,
        membres,
        case when part_industrie is not null
            then rank() over (partition by part_industrie is null order by part_industrie desc) end as rang,
        count(part_industrie) over () as nb_territoires
    from industrie
)

select * from final
order by ti_id
