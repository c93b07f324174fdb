-- France Relance laureates placed in each territory of a phase, counted once each (table projet_laureat), from the
-- project lists of the given formats (one priority, or all when $priorite is NULL): laureates and rows, per 10,000
-- inhabitants and per 1,000 private salaried jobs, their ranks (ties share a rank: SQL rank) and how many
-- territories share each value (a rank is shown only where it informs), the tonnes of CO2 avoided per year (the
-- largest figure of a laureate's rows, summed) and the largest laureate's share of them.
-- params: $phase INTEGER, $priorite VARCHAR (NULL = every priority), $lectures VARCHAR[] (projet_import.lecture counted: dge, friches, equipe)
-- columns: ti_id, population, emplois_salaries_prives, nb_projets, nb_lignes, tonnes_co2, nb_co2, co2_max, co2_max_laureat, projets_10000, projets_1000_emplois, rang_taux, nb_meme_taux, rang_emplois, nb_meme_emplois, nb_territoires, nb_territoires_emplois
with territoires as (
    select t.ti_id, t.population,
        case when i.emplois_salaries_prives > 0 then i.emplois_salaries_prives end as emplois_salaries_prives
    from territoire as t
    left join territoire_industrie as i on i.phase = t.phase and i.ti_id = t.ti_id
    where t.phase = $phase
),

lignes as (
    select pt.ti_id, l.laureat, p.projet_id, p.tonnes_co2, coalesce(p.entreprise, p.nom) as nom
    from projet_territoire as pt
    inner join projet as p on p.projet_id = pt.projet_id
    inner join projet_import as i on i.import_id = p.import_id
    inner join projet_laureat as l on l.projet_id = p.projet_id
    where pt.phase = $phase and ($priorite is null or p.priorite = $priorite) and list_contains($lectures, i.lecture)
),

laureats as (
    select ti_id, laureat, count(*) as lignes, max(tonnes_co2) as tonnes_co2, min(nom) as nom
    from lignes
    group by ti_id, laureat
),

par_territoire as (
    select
        ti_id,
        count(*) as nb_projets,
        sum(lignes)::bigint as nb_lignes,
        sum(tonnes_co2) as tonnes_co2,
        count(tonnes_co2) as nb_co2,
        max(tonnes_co2) as co2_max,
        arg_max(nom, tonnes_co2) as co2_max_laureat
    from laureats
    group by ti_id
),

taux as (
    select
        t.ti_id,
        t.population,
        t.emplois_salaries_prives,
        coalesce(p.nb_projets, 0) as nb_projets,
        coalesce(p.nb_lignes, 0) as nb_lignes,
        p.tonnes_co2,
        coalesce(p.nb_co2, 0) as nb_co2,
        p.co2_max,
        p.co2_max_laureat,
        coalesce(p.nb_projets, 0) / t.population * 10000 as projets_10000,
        coalesce(p.nb_projets, 0) / t.emplois_salaries_prives * 1000 as projets_1000_emplois
    from territoires as t
    left join par_territoire as p on p.ti_id = t.ti_id
),

final as (
    select
        *,
        rank() over (order by projets_10000 desc) as rang_taux,
        count(*) over (partition by projets_10000) as nb_meme_taux,
        case when projets_1000_emplois is not null
            then rank() over (partition by projets_1000_emplois is null order by projets_1000_emplois desc) end
            as rang_emplois,
        case when projets_1000_emplois is not null then count(*) over (partition by projets_1000_emplois) end
            as nb_meme_emplois,
        count(*) over () as nb_territoires,
        count(projets_1000_emplois) over () as nb_territoires_emplois
    from taux
)

select
    ti_id, population, emplois_salaries_prives, nb_projets, nb_lignes, tonnes_co2, nb_co2, co2_max, co2_max_laureat,
    projets_10000, projets_1000_emplois, rang_taux, nb_meme_taux, rang_emplois, nb_meme_emplois, nb_territoires,
    nb_territoires_emplois
from final
order by ti_id
