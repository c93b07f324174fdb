-- A territory's France Relance laureates next to its départements, its région and France, from the project lists of
-- the given readings: laureates counted once (table projet_laureat) where they are placed (the territory by its
-- communes or its polygon, the others by the project's département), per 10,000 inhabitants of each area (one
-- priority, or all when $priorite is NULL). France counts only the départements whose population it divides by:
-- projects of other codes (New Caledonia, French Polynesia: 98) are counted apart (hors_departements), as are the
-- projects placed in no département (non_places).
-- params: $phase INTEGER, $ti VARCHAR, $priorite VARCHAR (NULL = every priority), $lectures VARCHAR[] (projet_import.lecture counted: dge, friches, equipe)
-- columns: ordre, echelle, code, nom, population, nb_projets, projets_10000, part_territoire, non_places, hors_departements
with projets as (
    select p.projet_id, l.laureat, p.departement_code, d.code as departement_connu, d.region_code
    from projet as p
    inner join projet_import as i on i.import_id = p.import_id
    inner join projet_laureat as l on l.projet_id = p.projet_id
    left join departement as d on d.code = p.departement_code
    where ($priorite is null or p.priorite = $priorite) and list_contains($lectures, i.lecture)
),

territoire_choisi as (
    select t.ti_id, t.nom, t.population, t.region_code
    from territoire as t
    where t.phase = $phase and t.ti_id = $ti
),

dans_territoire as (
    select count(distinct p.laureat) as nb_projets
    from projet_territoire as pt
    inner join projets as p on p.projet_id = pt.projet_id
    where pt.phase = $phase and pt.ti_id = $ti
),

par_departement as (
    select departement_connu as departement_code, count(distinct laureat) as nb_projets
    from projets
    where departement_connu is not null
    group by departement_connu
),

par_region as (
    select region_code, count(distinct laureat) as nb_projets
    from projets
    where region_code is not null
    group by region_code
),

lignes as (
    select 1 as ordre, 'territoire' as echelle, t.ti_id as code, t.nom, t.population,
        d.nb_projets, 1.0 as part_territoire
    from territoire_choisi as t, dans_territoire as d
    union all
    select 2, 'departement', td.departement_code, dep.nom, dep.population,
        coalesce(pd.nb_projets, 0), td.part_territoire
    from territoire_departement as td
    inner join departement as dep on dep.code = td.departement_code
    left join par_departement as pd on pd.departement_code = td.departement_code
    where td.phase = $phase and td.ti_id = $ti
    union all
    select 3, 'region', r.code, r.nom, (select sum(population) from departement where region_code = r.code),
        coalesce(pr.nb_projets, 0), null
    from territoire_choisi as t
    inner join region as r on r.code = t.region_code
    left join par_region as pr on pr.region_code = r.code
    union all
    select 4, 'france', 'FR', 'France', (select sum(population) from departement),
        (select count(distinct laureat) from projets where departement_connu is not null), null
),

final as (
    select
        ordre,
        echelle,
        code,
        nom,
        population,
        nb_projets,
        nb_projets / population * 10000 as projets_10000,
        part_territoire,
        case when echelle = 'france' then (select count(distinct laureat) from projets where departement_code is null)
        end as non_places,
        case when echelle = 'france' then (select count(distinct laureat) from projets
                                           where departement_code is not null and departement_connu is null)
        end as hors_departements
    from lignes
)

select * from final
order by ordre, part_territoire desc nulls last, code
