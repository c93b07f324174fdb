-- France Relance laureates placed in each territory of a phase (one priority, or all when $priorite is NULL):
-- projects, per 10,000 inhabitants and per 1,000 private salaried jobs, with their ranks (ties share a rank:
-- SQL rank), aid amounts and CO2 that lists give, and the Fonds friches applications located there.
-- params: $phase INTEGER, $priorite VARCHAR (NULL = every priority)
-- columns: ti_id, population, emplois_salaries_prives, nb_projets, montant_aide, nb_montants, tonnes_co2, nb_co2, projets_10000, projets_1000_emplois, rang_nombre, rang_nombre_ex_aequo, rang_taux, rang_taux_ex_aequo, rang_emplois, rang_emplois_ex_aequo, nb_territoires, candidatures_friches, laureats_friches
with territoires as (
    select t.ti_id, t.population,
        case when i.emplois_salaries_prives > 0 then i.emplois_salaries_prives end as emplois_salaries_prives
    from territoire as t
    left join territoire_industrie as i on i.phase = t.phase and i.ti_id = t.ti_id
    where t.phase = $phase
),

projets as (
    select
        pt.ti_id,
        count(*) as nb_projets,
        sum(p.montant_aide) as montant_aide,
        count(p.montant_aide) as nb_montants,
        sum(p.tonnes_co2) as tonnes_co2,
        count(p.tonnes_co2) as nb_co2
    from projet_territoire as pt
    inner join projet as p on p.projet_id = pt.projet_id
    where pt.phase = $phase and ($priorite is null or p.priorite = $priorite)
    group by pt.ti_id
),

friches as (
    select tc.ti_id, count(*) as candidatures, count(*) filter (where f.laureat) as laureats
    from friche as f
    inner join territoire_commune as tc on tc.commune_code = f.commune_code and tc.phase = $phase
    where f.france_relance
    group by tc.ti_id
),

taux as (
    select
        t.ti_id,
        t.population,
        t.emplois_salaries_prives,
        coalesce(p.nb_projets, 0) as nb_projets,
        p.montant_aide,
        coalesce(p.nb_montants, 0) as nb_montants,
        p.tonnes_co2,
        coalesce(p.nb_co2, 0) as nb_co2,
        coalesce(p.nb_projets, 0) / t.population * 10000 as projets_10000,
        coalesce(p.nb_projets, 0) / t.emplois_salaries_prives * 1000 as projets_1000_emplois,
        coalesce(f.candidatures, 0) as candidatures_friches,
        coalesce(f.laureats, 0) as laureats_friches
    from territoires as t
    left join projets as p on p.ti_id = t.ti_id
    left join friches as f on f.ti_id = t.ti_id
),

rangs as (
    select
        *,
        rank() over (order by nb_projets desc) as rang_nombre,
        rank() over (order by projets_10000 desc) as rang_taux,
        case when projets_1000_emplois is not null
            then rank() over (partition by projets_1000_emplois is null order by projets_1000_emplois desc) end
            as rang_emplois,
        count(*) over () as nb_territoires
    from taux
),

final as (
    select
        ti_id, population, emplois_salaries_prives, nb_projets, montant_aide, nb_montants, tonnes_co2, nb_co2,
        projets_10000, projets_1000_emplois,
        rang_nombre, count(*) over (partition by rang_nombre) > 1 as rang_nombre_ex_aequo,
        rang_taux, count(*) over (partition by rang_taux) > 1 as rang_taux_ex_aequo,
        rang_emplois, rang_emplois is not null and count(*) over (partition by rang_emplois) > 1
            as rang_emplois_ex_aequo,
        nb_territoires, candidatures_friches, laureats_friches
    from rangs
)

select * from final
order by ti_id
