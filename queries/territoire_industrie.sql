-- Industrial share of jobs of every territory of a phase (job-weighted over its members that have one), with its
-- rank (ties share it; none when the territory has no share).
-- params: $phase INTEGER
-- columns: ti_id, nom, population, part_industrie, emplois_salaries_prives, membres_couverts, membres, rang, ex_aequo, nb_territoires
with industrie as (
    select i.*, t.nom, t.population
    from territoire_industrie as i
    inner join territoire as t using (phase, ti_id)
    where i.phase = $phase
),

rangs as (
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
),

final as (
    select
        ti_id, nom, population, part_industrie, emplois_salaries_prives, membres_couverts, membres, rang,
        rang is not null and count(*) over (partition by rang) > 1 as ex_aequo,
        nb_territoires
    from rangs
)

select * from final
order by ti_id
